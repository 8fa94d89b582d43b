import { SetMetadata } from '@nestjs/common';

/** Metadata key of routes anyone may call (health, metrics): the auth guard lets them through. */
export const PUBLIC_ROUTE = 'sne:public-route';

/** Marks a controller or a handler as callable without credentials. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
