import { witnessExitCode } from './exit-code-witness';

// Real servers answer in milliseconds, but a consumer-group rebalance takes seconds.
jest.setTimeout(60_000);
witnessExitCode();
