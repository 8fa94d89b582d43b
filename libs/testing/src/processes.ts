import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { isListening, kafkaAdminPasswordFile } from './stack';
import { waitFor } from './wait-for';

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A redis-server of the test's own, on a port of its own, so a test can stop and restart it
 * without disturbing the shared one.
 */
export class PrivateRedis {
  private process: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.process = spawn(
      'redis-server',
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(() => isListening('127.0.0.1', this.port, 200), {
      timeoutMs: 10_000,
      description: `redis-server on port ${this.port}`,
    });
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * A single-node Kafka of the test's own (deploy/local/infra.sh with its own run folder and ports),
 * so a test can stop and restart the broker under load without disturbing the shared one. Its data
 * survive a restart, as a real broker's do.
 */
export class PrivateKafka {
  private constructor(
    private readonly runDir: string,
    readonly port: number,
    private readonly controllerPort: number,
  ) {}

  static async start(): Promise<PrivateKafka> {
    const kafka = new PrivateKafka(
      mkdtempSync(join(tmpdir(), 'sne-kafka-')),
      await freePort(),
      await freePort(),
    );
    await kafka.start();
    return kafka;
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  start(): Promise<void> {
    return this.infra('start');
  }

  stop(): Promise<void> {
    return this.infra('stop');
  }

  /** Stops the broker and removes its data. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.runDir, { recursive: true, force: true });
  }

  private infra(action: 'start' | 'stop'): Promise<void> {
    const script = join(__dirname, '..', '..', '..', 'deploy', 'local', 'infra.sh');
    return new Promise((resolve, reject) => {
      const child = spawn('bash', [script, action, 'kafka'], {
        env: {
          ...process.env,
          SNE_RUN_DIR: this.runDir,
          SNE_KAFKA_PORT: String(this.port),
          SNE_KAFKA_CONTROLLER_PORT: String(this.controllerPort),
          SNE_KAFKA_HEAP: '512m',
          // The shared broker's admin credential, which the tests' clients use.
          KAFKA_ADMIN_PASSWORD_FILE: kafkaAdminPasswordFile(),
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0
          ? resolve()
          : reject(new Error(`infra.sh ${action} kafka exited with ${code}: ${stderr.trim()}`)),
      );
    });
  }
}
