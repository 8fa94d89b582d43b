import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { PlatformModule, Public } from '@sne/platform';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK } from 'jose';
import { apiAudience } from './access-token';
import { ApplicantRoute, CurrentApplicant, OwnGuichet, Roles } from './auth.decorators';
import type { ApplicantPrincipal } from './principal';
import { AuthModule } from './auth.module';
import type { Caller } from './principal';
import { signAccessToken } from './access-token-signer';

const ISSUER = 'https://identity.example.test';

@Controller()
class ProbeController {
  @Public()
  @Get('open')
  open() {
    return { ok: true };
  }

  @Get('any')
  any() {
    return { ok: true };
  }

  @ApplicantRoute()
  @Get('portal/me')
  me(@CurrentApplicant() applicant: ApplicantPrincipal) {
    return { email: applicant.email };
  }

  @Roles('national-admin')
  @OwnGuichet('code')
  @Get('guichets/:code/feed')
  feed() {
    return { ok: true };
  }
}

describe('AuthGuard', () => {
  let app: INestApplication;
  let base: string;
  let privateJwk: JWK;
  let key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  const token = (caller: Caller) =>
    signAccessToken(caller, {
      issuer: ISSUER,
      privateJwk,
      key,
      clientId: 'probe',
      audience: apiAudience('auth-test'),
      now: new Date(),
      ttlSeconds: 600,
    });
  const get = async (path: string, bearer?: string) => {
    const response = await fetch(`${base}${path}`, {
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    privateJwk = { kid: 'k1', alg: 'ES256' };
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
    const moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({ appName: 'auth-test', logLevel: 'silent' }),
        AuthModule.forRoot({
          verification: {
            issuers: [ISSUER],
            audience: apiAudience('auth-test'),
            keys: createLocalJWKSet({ keys: [publicJwk] }),
            maxLifetimeSeconds: 900,
            clockToleranceSeconds: 30,
          },
        }),
      ],
      controllers: [ProbeController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(() => app.close());

  it('lets anyone call a public route', async () => {
    expect((await get('/open')).status).toBe(200);
  });

  it('answers 401 with a structured error without a valid token', async () => {
    const missing = await get('/any');
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error: { code: 'unauthenticated' } });
    const garbage = await get('/any', 'eyJhbGciOiJub25lIn0.e30.');
    expect(garbage.status).toBe(401);
    expect(garbage.body).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('lets applicants on applicant routes only, and only them', async () => {
    const applicant = await token({ kind: 'applicant', id: 'acc-1', email: 'a@example.org' });
    const guichet = await token({
      kind: 'guichet',
      id: '57463',
      guichetType: 'landlord',
      territory: ['057'],
    });
    expect(await get('/portal/me', applicant)).toEqual({
      status: 200,
      body: { email: 'a@example.org' },
    });
    expect((await get('/any', applicant)).status).toBe(403);
    expect((await get('/portal/me', guichet)).status).toBe(403);
  });

  it("lets the route's roles and its own guichet through, and no one else", async () => {
    const admin = await token({
      kind: 'operator',
      id: 'a',
      roles: ['national-admin'],
      territory: 'all',
    });
    const consultant = await token({
      kind: 'operator',
      id: 'c',
      roles: ['consultant-simple'],
      territory: 'all',
    });
    const own = await token({
      kind: 'guichet',
      id: '57463',
      guichetType: 'landlord',
      territory: ['057'],
    });
    const other = await token({
      kind: 'guichet',
      id: '75056',
      guichetType: 'landlord',
      territory: ['075'],
    });
    expect((await get('/guichets/57463/feed', admin)).status).toBe(200);
    expect((await get('/guichets/57463/feed', own)).status).toBe(200);
    const refused = await get('/guichets/57463/feed', other);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'forbidden' } });
    expect((await get('/guichets/57463/feed', consultant)).status).toBe(403);
    expect((await get('/any', consultant)).status).toBe(200);
  });
});
