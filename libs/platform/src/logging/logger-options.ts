import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { CORRELATION_HEADER, currentCorrelationId, normalizeCorrelationId } from './correlation';

/** Personal data that never reaches a log line (NIR, income, identity, contact details, secrets). */
const REDACTED_FIELDS = [
  'nir',
  'referenceTaxIncome',
  'monthlyResources',
  'lastName',
  'firstName',
  'birthName',
  'birthDate',
  'address',
  'email',
  'mobile',
  'phone',
  'password',
  'secret',
  'token',
  'authorization',
];

/**
 * The URL of an access-log line: the path, and the names of the query parameters without their
 * values (search criteria are names, birth dates, addresses).
 */
export function loggableUrl(url: string): string {
  const question = url.indexOf('?');
  if (question < 0) return url;
  const names = [...new URLSearchParams(url.slice(question + 1)).keys()];
  return `${url.slice(0, question)}?${names.map((name) => `${encodeURIComponent(name)}=…`).join('&')}`;
}

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
        req: (req: { method: string; url: string }) => ({
          method: req.method,
          url: loggableUrl(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
