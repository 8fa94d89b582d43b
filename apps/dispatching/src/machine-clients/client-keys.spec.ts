import { InvalidInputError } from '@sne/platform';
import { CLIENT_CREDENTIALS_EXAMPLE, ClientCredentialsPipe } from './client-keys';

const pipe = new ClientCredentialsPipe();
const [key] = CLIENT_CREDENTIALS_EXAMPLE.jwks.keys;

const issuesOf = (body: unknown) => {
  try {
    pipe.transform(body);
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues;
    throw error;
  }
  throw new Error('accepted');
};

describe(ClientCredentialsPipe.name, () => {
  it('takes no body or an empty one as a request for a secret', () => {
    expect(pipe.transform(undefined)).toEqual({});
    expect(pipe.transform({})).toEqual({});
  });

  it('takes up to three public P-256 keys', () => {
    const keys = ['a', 'b', 'c'].map((kid) => ({ ...key, kid }));
    expect(pipe.transform({ jwks: { keys } })).toEqual({ jwks: { keys } });
    expect(issuesOf({ jwks: { keys: [...keys, { ...key, kid: 'd' }] } })).toEqual([
      { path: '/jwks/keys', message: 'must NOT have more than 3 items' },
    ]);
  });

  it('names a private member as such, with every other problem', () => {
    expect(
      issuesOf({
        jwks: {
          keys: [
            { ...key, d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI' },
            { ...key, kid: '', crv: 'P-384', x: 'too-short' },
          ],
        },
      }),
    ).toEqual(
      expect.arrayContaining([
        { path: '/jwks/keys/0/d', message: expect.stringContaining('a private key member') },
        { path: '/jwks/keys/1/kid', message: expect.any(String) },
        { path: '/jwks/keys/1/crv', message: expect.any(String) },
        { path: '/jwks/keys/1/x', message: expect.any(String) },
      ]),
    );
  });

  it('refuses a coordinate that is not 32 bytes, a key URL, and a kid twice', () => {
    expect(issuesOf({ jwks: { keys: [{ ...key, y: `${key.y.slice(0, 42)}1` }] } })).toEqual([
      { path: '/jwks/keys/0/y', message: expect.stringContaining('must match pattern') },
    ]);
    expect(issuesOf({ jwks_uri: 'https://guichet.example.fr/jwks' })).toEqual([
      { path: '/jwks_uri', message: 'must NOT have additional properties' },
    ]);
    expect(issuesOf({ jwks: { keys: [key, { ...key }] } })).toEqual([
      { path: '/jwks/keys/1/kid', message: expect.any(String) },
    ]);
  });
});
