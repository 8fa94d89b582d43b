import { generateKeyPairSync, sign } from 'node:crypto';
import { encodeQrPayload, InvalidQrPayloadError, parseQrPayload, QrPayload } from './qr-payload';

const register = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const day = (year: number, month: number, date: number) =>
  new Date(Date.UTC(year, month - 1, date));

const payloads: Record<QrPayload['kind'], QrPayload> = {
  'registration-certificate': {
    kind: 'registration-certificate',
    numeroUnique: '057 1215 073903 10691',
    depositDate: day(2015, 12, 3),
  },
  'renewal-certificate': {
    kind: 'renewal-certificate',
    numeroUnique: '057 1215 073903 10691',
    renewalDate: day(2016, 11, 20),
    validUntil: day(2017, 12, 3),
  },
  'summary-sheet': {
    kind: 'summary-sheet',
    numeroUnique: '02A 0326 000001 2A0B1',
    filledOn: day(2026, 3, 14),
    documentCount: 4,
    pageCount: 7,
  },
  'transmittal-slip': {
    kind: 'transmittal-slip',
    guichetCode: '10691',
    department: '057',
    batchId: 'B-2026-03-14.01',
    sentOn: day(2026, 3, 14),
    demandCount: 12,
    pageCount: 95,
  },
};

/** Re-signs a hand-made body, to test field checks that come before the signature. */
function signedWith(body: string): string {
  return `${body}|${sign(null, Buffer.from(body), register.privateKey).toString('base64url')}`;
}

describe('QR payload', () => {
  describe('encodeQrPayload', () => {
    it('writes the version, kind code, fields and a base64url signature', () => {
      const text = encodeQrPayload(payloads['registration-certificate'], register.privateKey);
      expect(text).toMatch(/^SNE1\|ATT\|057 1215 073903 10691\|2015-12-03\|[A-Za-z0-9_-]{86}$/);
    });

    it('is deterministic, so a reprinted document carries the same code', () => {
      const payload = payloads['summary-sheet'];
      expect(encodeQrPayload(payload, register.privateKey)).toBe(
        encodeQrPayload(payload, register.privateKey),
      );
    });

    it('stays short enough for a QR code a 150-dpi scan can read', () => {
      for (const payload of Object.values(payloads)) {
        expect(encodeQrPayload(payload, register.privateKey).length).toBeLessThanOrEqual(180);
      }
    });

    it('refuses what it should never print', () => {
      const key = register.privateKey;
      const base = payloads['summary-sheet'] as Extract<QrPayload, { kind: 'summary-sheet' }>;
      expect(() => encodeQrPayload({ ...base, numeroUnique: '57 1215 073903 10691' }, key)).toThrow(
        InvalidQrPayloadError,
      );
      expect(() => encodeQrPayload({ ...base, pageCount: -1 }, key)).toThrow('pageCount');
      expect(() => encodeQrPayload({ ...base, documentCount: 1.5 }, key)).toThrow('documentCount');
      expect(() => encodeQrPayload({ ...base, filledOn: new Date(NaN) }, key)).toThrow(
        'invalid date',
      );
      const slip = payloads['transmittal-slip'] as Extract<QrPayload, { kind: 'transmittal-slip' }>;
      expect(() => encodeQrPayload({ ...slip, batchId: 'a|b' }, key)).toThrow('batch id');
      expect(() => encodeQrPayload({ ...slip, guichetCode: '1069' }, key)).toThrow('guichet');
    });

    it('normalises the department of a slip', () => {
      const text = encodeQrPayload(
        { ...payloads['transmittal-slip'], department: '57' } as QrPayload,
        register.privateKey,
      );
      expect(text.split('|')[3]).toBe('057');
    });

    it('needs an Ed25519 private key', () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
      expect(() => encodeQrPayload(payloads['summary-sheet'], rsa.privateKey)).toThrow(TypeError);
      expect(() => encodeQrPayload(payloads['summary-sheet'], register.publicKey)).toThrow(
        TypeError,
      );
    });
  });

  describe('parseQrPayload', () => {
    it.each(Object.keys(payloads))('reads back a %s', (kind) => {
      const payload = payloads[kind as QrPayload['kind']];
      const text = encodeQrPayload(payload, register.privateKey);
      expect(parseQrPayload(text, register.publicKey)).toEqual({ ok: true, payload });
    });

    it('tolerates the line break some readers append', () => {
      const text = encodeQrPayload(payloads['registration-certificate'], register.privateKey);
      expect(parseQrPayload(`${text}\n`, register.publicKey).ok).toBe(true);
    });

    it('accepts a code signed by any of the keys in use while the key rotates', () => {
      const text = encodeQrPayload(payloads['registration-certificate'], register.privateKey);
      expect(parseQrPayload(text, [other.publicKey, register.publicKey]).ok).toBe(true);
    });

    it('refuses a code signed by another key', () => {
      const text = encodeQrPayload(payloads['registration-certificate'], other.privateKey);
      expect(parseQrPayload(text, register.publicKey)).toEqual({
        ok: false,
        error: { code: 'bad-signature', message: expect.any(String) },
      });
    });

    it('refuses a certificate whose date was altered', () => {
      const text = encodeQrPayload(payloads['registration-certificate'], register.privateKey);
      const forged = text.replace('2015-12-03', '2015-12-01');
      expect(parseQrPayload(forged, register.publicKey)).toMatchObject({
        ok: false,
        error: { code: 'bad-signature' },
      });
    });

    it('refuses a certificate whose number was swapped for another valid one', () => {
      const text = encodeQrPayload(payloads['registration-certificate'], register.privateKey);
      const forged = text.replace('073903', '073904');
      expect(parseQrPayload(forged, register.publicKey)).toMatchObject({
        ok: false,
        error: { code: 'bad-signature' },
      });
    });

    it('refuses a tampered signature', () => {
      const text = encodeQrPayload(payloads['summary-sheet'], register.privateKey);
      const at = text.length - 40;
      const tampered = `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
      expect(parseQrPayload(tampered, register.publicKey)).toMatchObject({
        ok: false,
        error: { code: 'bad-signature' },
      });
    });

    it('refuses a second spelling of a valid signature', () => {
      const text = encodeQrPayload(payloads['summary-sheet'], register.privateKey);
      const last = text.at(-1) ?? '';
      // The last character's two low bits are padding: A-D decode alike, as do E-H, and so on.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? '';
      expect(parseQrPayload(`${text.slice(0, -1)}${sibling}`, register.publicKey)).toMatchObject({
        ok: false,
        error: { code: 'malformed' },
      });
    });

    it.each([
      ['an empty text', ''],
      ['a URL', 'https://www.demande-logement-social.gouv.fr/'],
      ['another version', 'SNE2|ATT|057 1215 073903 10691|2015-12-03|x'],
      ['a missing field', 'SNE1|ATT|057 1215 073903 10691|x'],
      ['an extra field', `SNE1|ATT|057 1215 073903 10691|2015-12-03|2015-12-03|${'A'.repeat(86)}`],
      ['a short signature', 'SNE1|ATT|057 1215 073903 10691|2015-12-03|abc'],
      [
        'a standard base64 signature',
        `SNE1|ATT|057 1215 073903 10691|2015-12-03|${'+'.repeat(86)}`,
      ],
      ['an overlong text', `SNE1|ATT|${'x'.repeat(600)}`],
    ])('calls %s malformed', (_, text) => {
      expect(parseQrPayload(text, register.publicKey)).toMatchObject({
        ok: false,
        error: { code: 'malformed' },
      });
    });

    it.each([
      ['an impossible date', 'SNE1|ATT|057 1215 073903 10691|2015-02-30'],
      ['a date in another format', 'SNE1|ATT|057 1215 073903 10691|03/12/2015'],
      ['a negative count', 'SNE1|FIC|057 1215 073903 10691|2015-12-03|-1|3'],
      ['a count with leading zeros', 'SNE1|FIC|057 1215 073903 10691|2015-12-03|01|3'],
      ['a lowercase guichet code', 'SNE1|BOR|abcde|057|B1|2015-12-03|1|3'],
      ['an unknown department', 'SNE1|BOR|10691|57A|B1|2015-12-03|1|3'],
    ])('calls a signed payload with %s malformed', (_, body) => {
      expect(parseQrPayload(signedWith(body), register.publicKey)).toMatchObject({
        ok: false,
        error: { code: 'malformed' },
      });
    });

    it('names an unknown kind', () => {
      expect(parseQrPayload(signedWith('SNE1|XYZ|1'), register.publicKey)).toMatchObject({
        ok: false,
        error: { code: 'unknown-kind' },
      });
    });

    it.each([
      '057 1315 073903 10691',
      '57 1215 073903 10691',
      '057 1215 000000 10691',
      '0571215073903',
    ])('calls "%s" a bad numéro even when signed', (numero) => {
      expect(
        parseQrPayload(signedWith(`SNE1|ATT|${numero}|2015-12-03`), register.publicKey),
      ).toMatchObject({ ok: false, error: { code: 'bad-numero' } });
    });

    it('refuses a numéro spelled with extra spaces, so one number has one payload', () => {
      expect(
        parseQrPayload(
          signedWith('SNE1|ATT| 057 1215 073903 10691|2015-12-03'),
          register.publicKey,
        ),
      ).toMatchObject({ ok: false, error: { code: 'bad-numero' } });
    });

    it('needs Ed25519 public keys', () => {
      const text = encodeQrPayload(payloads['summary-sheet'], register.privateKey);
      expect(() => parseQrPayload(text, [])).toThrow(TypeError);
      expect(() => parseQrPayload(text, register.privateKey)).toThrow(TypeError);
    });
  });
});
