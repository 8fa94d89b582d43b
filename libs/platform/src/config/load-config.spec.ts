import { bool } from 'envalid';
import { developmentOnly } from './development-only';
import { coreEnv, httpPort, kafkaEnv, mongoEnv, redisEnv } from './env-specs';
import { ConfigError, loadConfig } from './load-config';

const spec = { ...coreEnv, ...httpPort(3001), ...kafkaEnv, ...mongoEnv, ...redisEnv };

describe('loadConfig', () => {
  it('uses the local defaults outside production', () => {
    const config = loadConfig('registration', spec, {});
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.MONGODB_URI).toBe('mongodb://127.0.0.1:27017/');
    expect(config.HTTP_PORT).toBe(3001);
    expect(config.NODE_ENV).toBe('development');
  });

  it('lists every problem at once', () => {
    const attempt = () =>
      loadConfig('registration', spec, {
        HTTP_PORT: 'eighty',
        KAFKA_BROKERS: 'kafka without port',
        MONGODB_URI: 'postgres://db',
        LOG_LEVEL: 'loud',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const issues = (error as ConfigError).issues;
      expect(issues.map((issue) => issue.variable).sort()).toEqual([
        'HTTP_PORT',
        'KAFKA_BROKERS',
        'LOG_LEVEL',
        'MONGODB_URI',
      ]);
      expect(issues.find((issue) => issue.variable === 'KAFKA_BROKERS')?.problem).toContain(
        'comma-separated list of host:port',
      );
      expect(issues.find((issue) => issue.variable === 'MONGODB_URI')?.problem).toContain(
        'expected a mongodb or mongodb+srv connection string',
      );
      expect((error as Error).message).toContain('registration: invalid configuration');
    }
  });

  it('requires every connection setting in production', () => {
    try {
      loadConfig('registration', spec, { NODE_ENV: 'production' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).issues).toEqual(
        expect.arrayContaining([
          { variable: 'KAFKA_BROKERS', problem: 'is required and not set' },
          { variable: 'MONGODB_URI', problem: 'is required and not set' },
          { variable: 'REDIS_URL', problem: 'is required and not set' },
        ]),
      );
    }
  });

  it('accepts a replica-set connection string', () => {
    const uri =
      'mongodb://sne:secret@mongo-0:27017,mongo-1:27017,mongo-2:27017/?replicaSet=rs0&authSource=admin';
    expect(loadConfig('x', spec, { MONGODB_URI: uri }).MONGODB_URI).toBe(uri);
  });

  it('parses a broker list', () => {
    const config = loadConfig('x', spec, { KAFKA_BROKERS: 'k1:9092, k2:9092' });
    expect(config.KAFKA_BROKERS).toEqual(['k1:9092', 'k2:9092']);
  });

  describe('a development-only setting', () => {
    const withShortcut = { ...coreEnv, SHORTCUT: developmentOnly(bool({ default: false })) };

    it('is refused in production when turned on', () => {
      try {
        loadConfig('x', withShortcut, { NODE_ENV: 'production', SHORTCUT: 'true' });
        throw new Error('expected a ConfigError');
      } catch (error) {
        expect((error as ConfigError).issues).toEqual([
          { variable: 'SHORTCUT', problem: 'is a development setting, refused in production' },
        ]);
      }
    });

    it('may be left off in production, and turned on elsewhere', () => {
      expect(loadConfig('x', withShortcut, { NODE_ENV: 'production' }).SHORTCUT).toBe(false);
      expect(
        loadConfig('x', withShortcut, { NODE_ENV: 'production', SHORTCUT: 'false' }).SHORTCUT,
      ).toBe(false);
      expect(loadConfig('x', withShortcut, { NODE_ENV: 'test', SHORTCUT: 'true' }).SHORTCUT).toBe(
        true,
      );
      expect(loadConfig('x', withShortcut, { SHORTCUT: 'true' }).SHORTCUT).toBe(true);
    });
  });
});
