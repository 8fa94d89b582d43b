import type { INestApplication, Type, DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigError } from './config/load-config';
import { type OpenApiInfo, serveOpenApi } from './http/open-api';

export interface HttpConfig {
  readonly HTTP_HOST: string;
  readonly HTTP_PORT: number;
}

/**
 * Starts one app: configuration validated first (on failure: the list of problems, exit 1), then
 * the Nest application with JSON logs, graceful shutdown on SIGTERM, and HTTP on the configured
 * address.
 */
export async function bootstrapApp<C extends HttpConfig>(
  appName: string,
  loadAppConfig: () => C,
  createModule: (config: C) => Type | DynamicModule,
  openApi?: OpenApiInfo,
  setup: {
    /** Off for an app whose requests are read by a mounted handler (the identity provider). */
    readonly bodyParser?: boolean;
    readonly beforeListen?: (app: INestApplication, config: C) => void;
  } = {},
): Promise<INestApplication> {
  let config: C;
  try {
    config = loadAppConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `${JSON.stringify({ level: 'fatal', app: appName, msg: 'invalid configuration', issues: error.issues })}\n${error.message}\n`,
      );
      process.exit(1);
    }
    throw error;
  }
  const app = await NestFactory.create(createModule(config), {
    bufferLogs: true,
    bodyParser: setup.bodyParser ?? true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  if (openApi) serveOpenApi(app, openApi);
  setup.beforeListen?.(app, config);
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  app.get(Logger).log(`${appName} listening on http://${config.HTTP_HOST}:${config.HTTP_PORT}`);
  return app;
}
