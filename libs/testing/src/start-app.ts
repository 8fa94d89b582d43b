import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Clock } from '@sne/platform';

/**
 * Starts an app module in this process on a free loopback port; `url` has no trailing slash.
 * With `clock`, the app reads the time from it (tests that move through months); with `port`, it
 * listens there (an address another app must know before it starts).
 */
export async function startApp(
  module: DynamicModule,
  options: { clock?: Clock; port?: number } = {},
): Promise<{ app: INestApplication; url: string }> {
  let app: INestApplication;
  if (options.clock) {
    const moduleRef = await Test.createTestingModule({ imports: [module] })
      .overrideProvider(Clock)
      .useValue(options.clock)
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
  } else {
    app = await NestFactory.create(module, { logger: false });
  }
  await app.listen(options.port ?? 0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}
