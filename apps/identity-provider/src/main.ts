import 'reflect-metadata';
import { bootstrapApp } from '@sne/platform';
import { AppModule, mountProvider } from './app.module';
import { APP_NAME, loadIdentityProviderConfig } from './config';

void bootstrapApp(
  APP_NAME,
  () => loadIdentityProviderConfig(),
  (config) => AppModule.forRoot(config),
  undefined,
  { bodyParser: false, beforeListen: mountProvider },
);
