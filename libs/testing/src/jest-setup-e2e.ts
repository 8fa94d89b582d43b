import { witnessExitCode } from './exit-code-witness';

// End-to-end tests start apps and servers.
jest.setTimeout(180_000);
witnessExitCode();
