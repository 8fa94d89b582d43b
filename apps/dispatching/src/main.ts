import 'reflect-metadata';
import { bootstrapApp } from '@sne/platform';
import { AppModule } from './app.module';
import { APP_NAME, loadDispatchingConfig } from './config';
import { DISPATCHING_OPENAPI } from './open-api';

void bootstrapApp(
  APP_NAME,
  () => loadDispatchingConfig(),
  (config) => AppModule.forRoot(config),
  DISPATCHING_OPENAPI,
);
