import { envOptional, envPort } from '../sink-common/env';
import { jsonLogger } from '../sink-common/logger';
import { runUntilSignal } from '../sink-common/run';
import { SmppSink, type SmppSinkOptions } from './smpp-sink';

function config(env: NodeJS.ProcessEnv = process.env): SmppSinkOptions {
  return {
    host: envOptional(env.SNE_HOST) ?? '127.0.0.1',
    smppPort: envPort('SNE_SMPP_PORT', env.SNE_SMPP_PORT, 2775),
    apiPort: envPort('SNE_SMPP_API_PORT', env.SNE_SMPP_API_PORT, 8026),
    systemId: envOptional(env.SNE_SMPP_SYSTEM_ID),
    password: envOptional(env.SNE_SMPP_PASSWORD),
    runDir: envOptional(env.SNE_RUN_DIR),
  };
}

const logger = jsonLogger('smpp-sink');
runUntilSignal(new SmppSink({ ...config(), logger }), logger);
