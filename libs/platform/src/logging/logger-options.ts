import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { CORRELATION_HEADER, currentCorrelationId, normalizeCorrelationId } from './correlation';

/** Personal data that never reaches a log line (NIR, income, contact details, secrets). */
const REDACTED_FIELDS = [
  'nir',
  'referenceTaxIncome',
  'monthlyResources',
  'email',
  'mobile',
  'phone',
  'password',
  'secret',
];

export function loggerOptions(appName: string, level: string): Params {
  return {
    pinoHttp: {
      level,
      name: appName,
      messageKey: 'msg',
      base: { app: appName },
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      formatters: { level: (label: string) => ({ level: label }) },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          ...REDACTED_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
        ],
        censor: '[redacted]',
      },
      mixin: () => {
        const correlationId = currentCorrelationId();
        return correlationId ? { correlationId } : {};
      },
      // Whichever of this and CorrelationMiddleware runs first fixes the id in the header.
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const id = normalizeCorrelationId(req.headers[CORRELATION_HEADER]);
        req.headers[CORRELATION_HEADER] = id;
        res.setHeader(CORRELATION_HEADER, id);
        return id;
      },
      customProps: (req: IncomingMessage) => ({ correlationId: req.id }),
      autoLogging: {
        ignore: (req: IncomingMessage) =>
          req.url?.startsWith('/health') === true || req.url === '/metrics',
      },
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
