import { Webhook } from 'standardwebhooks';
import { minimumRetrySpanMs, retryDelay } from './backoff';
import { newWebhookSecret, signatureHeaders, verifySignature, WEBHOOK_HEADERS } from './signature';

const body = JSON.stringify({
  deliveryId: 'e1:10691',
  event: { subject: '057 1215 073903 10691', name: 'Lefèvre' },
});

describe('webhook signatures', () => {
  it('verify with the Standard Webhooks reference library, accents in the body included', () => {
    const secret = newWebhookSecret();
    const now = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders([secret], 'e1:10691', now, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('carry one signature per valid secret, so a rotation has no gap', () => {
    const previous = newWebhookSecret();
    const current = newWebhookSecret();
    const now = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders([current, previous], 'e1:10691', now, body);
    expect(headers[WEBHOOK_HEADERS.Signature]?.split(' ')).toHaveLength(2);
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(verifySignature(previous, headers, body, now)).toEqual({ ok: true });
  });

  it('are refused when the body, the id or the timestamp changed', () => {
    const secret = newWebhookSecret();
    const now = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders([secret], 'e1:10691', now, body);
    expect(verifySignature(secret, headers, `${body} `, now)).toEqual({
      ok: false,
      reason: 'no matching signature',
    });
    expect(
      verifySignature(secret, { ...headers, [WEBHOOK_HEADERS.Id]: 'e2:10691' }, body, now).ok,
    ).toBe(false);
    expect(verifySignature(secret, headers, body, now + 301)).toEqual({
      ok: false,
      reason: 'timestamp out of tolerance',
    });
  });
});

describe('retry schedule', () => {
  const policy = { baseMs: 5_000, capMs: 2 * 3600_000 };

  it('grows exponentially up to the cap, with jitter between 75% and 100%', () => {
    expect(retryDelay(policy, 1, () => 1)).toBe(5_000);
    expect(retryDelay(policy, 3, () => 1)).toBe(20_000);
    expect(retryDelay(policy, 3, () => 0)).toBe(15_000);
    expect(retryDelay(policy, 30, () => 1)).toBe(2 * 3600_000);
  });

  it('keeps retrying for more than 24 hours with the default 30 attempts', () => {
    expect(minimumRetrySpanMs(policy, 30)).toBeGreaterThan(24 * 3600_000);
  });
});
