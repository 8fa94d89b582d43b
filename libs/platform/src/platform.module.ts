import {
  type DynamicModule,
  Global,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { Clock, SystemClock } from './clock';
import { HealthController } from './health/health.controller';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { KnownQueryParametersInterceptor } from './http/known-query-parameters.interceptor';
import { RequestBodyErrorHandler } from './http/request-body-errors';
import { ReadinessRegistry } from './health/readiness.registry';
import { CorrelationMiddleware } from './logging/correlation.middleware';
import { loggerOptions } from './logging/logger-options';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';

export interface PlatformOptions {
  readonly appName: string;
  readonly logLevel: string;
}

export const APP_NAME = Symbol('APP_NAME');

/**
 * What every app has: JSON logs with correlation ids, Prometheus metrics, liveness and readiness,
 * one error format (body-parser's refusals included), undeclared query parameters refused.
 * Global, so infrastructure modules can register their readiness checks and metrics.
 */
@Global()
@Module({})
export class PlatformModule implements NestModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(options.appName, options.logLevel)),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_NAME, useValue: options.appName },
        { provide: MetricsService, useFactory: () => new MetricsService(options.appName) },
        ReadinessRegistry,
        { provide: Clock, useClass: SystemClock },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_INTERCEPTOR, useClass: KnownQueryParametersInterceptor },
        RequestBodyErrorHandler,
      ],
      exports: [APP_NAME, MetricsService, ReadinessRegistry, Clock],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationMiddleware, HttpMetricsMiddleware).forRoutes('*path');
  }
}
