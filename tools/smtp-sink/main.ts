import { envOptional, envPort } from '../sink-common/env';
import { jsonLogger } from '../sink-common/logger';
import { runUntilSignal } from '../sink-common/run';
import { SmtpSink, type SmtpSinkOptions } from './smtp-sink';

function config(env: NodeJS.ProcessEnv = process.env): SmtpSinkOptions {
  return {
    host: envOptional(env.SNE_HOST) ?? '127.0.0.1',
    smtpPort: envPort('SNE_SMTP_PORT', env.SNE_SMTP_PORT, 2525),
    apiPort: envPort('SNE_SMTP_API_PORT', env.SNE_SMTP_API_PORT, 8025),
    runDir: envOptional(env.SNE_RUN_DIR),
  };
}

const logger = jsonLogger('smtp-sink');
runUntilSignal(new SmtpSink({ ...config(), logger }), logger);
