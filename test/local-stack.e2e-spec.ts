import { freePort, isListening } from '@sne/testing';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * deploy/local/infra.sh on a run directory and ports of its own (the shared stack keeps
 * running): start is idempotent, stop leaves no process behind.
 */
describe('deploy/local/infra.sh', () => {
  const script = join(__dirname, '..', 'deploy', 'local', 'infra.sh');
  const runDir = mkdtempSync(join(tmpdir(), 'sne-stack-'));
  let env: NodeJS.ProcessEnv;
  let ports: Record<string, number>;

  const infra = (...args: string[]) =>
    spawnSync('bash', [script, ...args], { env, encoding: 'utf8', timeout: 240_000 });
  const pids = (): Record<string, number> =>
    Object.fromEntries(
      readdirSync(join(runDir, 'pids')).map((file) => [
        file.replace(/\.pid$/, ''),
        Number(readFileSync(join(runDir, 'pids', file), 'utf8').split(' ')[0]),
      ]),
    );
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const processesUsingRunDir = () =>
    execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(runDir) && !line.includes('ps -eo'));

  beforeAll(async () => {
    ports = {
      SNE_KAFKA_PORT: await freePort(),
      SNE_KAFKA_CONTROLLER_PORT: await freePort(),
      SNE_MONGO_PORT: await freePort(),
      SNE_FERRETDB_DEBUG_PORT: await freePort(),
      SNE_S3_PORT: await freePort(),
      SNE_REDIS_PORT: await freePort(),
      SNE_SMTP_PORT: await freePort(),
      SNE_SMTP_API_PORT: await freePort(),
      SNE_SMPP_PORT: await freePort(),
      SNE_SMPP_API_PORT: await freePort(),
    };
    env = {
      ...process.env,
      SNE_RUN_DIR: runDir,
      SNE_KAFKA_HEAP: '384m',
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
    };
    for (const name of [
      'KAFKA_BROKERS',
      'MONGODB_URI',
      'REDIS_URL',
      'SMTP_URL',
      'SMPP_URL',
      'S3_ENDPOINT',
    ])
      delete env[name];
  });

  afterAll(() => {
    infra('stop');
    rmSync(runDir, { recursive: true, force: true });
  });

  it('starts every server on 127.0.0.1, and a second start changes nothing', async () => {
    const first = infra('start');
    expect(first.status).toBe(0);
    const started = pids();
    expect(Object.keys(started).sort()).toEqual([
      'ferretdb',
      'kafka',
      'redis',
      's3',
      'smpp-sink',
      'smtp-sink',
    ]);
    for (const port of Object.values(ports).filter(
      (port) => port !== ports.SNE_FERRETDB_DEBUG_PORT,
    )) {
      expect(await isListening('127.0.0.1', port)).toBe(true);
    }

    const second = infra('start');
    expect(second.status).toBe(0);
    expect(second.stderr).toContain('kafka: already running');
    expect(pids()).toEqual(started);

    const status = infra('status');
    expect(status.stdout.match(/ up /g)).toHaveLength(6);
  });

  it('binds no server to a non-loopback address', () => {
    const listening = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
    for (const port of Object.values(ports)) {
      const lines = listening.split('\n').filter((line) => new RegExp(`:${port}\\s`).test(line));
      for (const line of lines) expect(line).toMatch(/127\.0\.0\.1:|\[::ffff:127\.0\.0\.1\]:/);
    }
  });

  it('stops every server and leaves no process behind', () => {
    const started = pids();
    const stop = infra('stop');
    expect(stop.status).toBe(0);
    for (const pid of Object.values(started)) expect(alive(pid)).toBe(false);
    expect(readdirSync(join(runDir, 'pids'))).toEqual([]);
    expect(processesUsingRunDir()).toEqual([]);
    expect(infra('status').stdout.match(/ down/g)).toHaveLength(6);
  });
});
