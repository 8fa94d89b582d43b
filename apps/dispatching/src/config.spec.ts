import { ConfigError } from '@sne/platform';
import { loadDispatchingConfig } from './config';

describe('dispatching configuration', () => {
  it('keeps webhooks to https and public addresses unless told otherwise', () => {
    expect(loadDispatchingConfig({}).WEBHOOK_ALLOW_LOOPBACK_HTTP).toBe(false);
    expect(
      loadDispatchingConfig({ WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true' }).WEBHOOK_ALLOW_LOOPBACK_HTTP,
    ).toBe(true);
  });

  it('refuses loopback and http webhooks in production', () => {
    try {
      loadDispatchingConfig({ NODE_ENV: 'production', WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues).toContainEqual({
        variable: 'WEBHOOK_ALLOW_LOOPBACK_HTTP',
        problem: 'is a development setting, refused in production',
      });
    }
  });
});
