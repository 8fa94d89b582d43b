/**
 * What the platform's access-token verification costs per request (libs/auth, `AccessTokenVerifier`:
 * RFC 9068 JWTs checked with jose against the identity provider's JWKS — iss, aud, exp, iat,
 * jti, client_id, typ `at+jwt`, the asymmetric algorithms only — then the lifetime, and the roles,
 * territory and other `sne_*` claims turned into the Principal), beside a bare `jose.jwtVerify`
 * with a local key set on the same tokens, in the same run.
 *
 *   npm run bench:jwt -- [--iterations 30000] [--warm-up 3000] [--repeat 3] [--tokens 1000]
 *
 * Four paths, each on the same tokens (ES256, as the identity provider signs, a mix of operators
 * and guichets), one verification after the other as the guard makes them:
 *  - bare: `jwtVerify(token, createLocalJWKSet(jwks))`, no options (signature, exp);
 *  - jose with the platform's options: the same call with the verifier's options, inline;
 *  - platform, local JWKS: `AccessTokenVerifier` with `AUTH_JWKS` (tests, local platform);
 *  - platform, remote JWKS: `AccessTokenVerifier` with `AUTH_JWKS_URI` (production), the JWKS
 *    served by a loopback HTTP server of this process; measured once the keys are cached.
 * Every token is checked to verify on every path before timing. Each repetition warms each path
 * up, then times `--iterations` verifications; the paths take turns (their order rotates), and
 * the figures reported are the medians over the repetitions. Needs nothing running. Writes
 * bench/auth/results.json.
 */
import {
  type AccessTokenSettings,
  AccessTokenVerifier,
  accessTokenSettingsFrom,
  ACCESS_TOKEN_ALGORITHMS,
  ACCESS_TOKEN_TYPE,
  apiAudience,
  type Caller,
  type OperatorRole,
  signAccessToken,
} from '@sne/auth';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  jwtVerify,
} from 'jose';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { positiveIntegerOption, writeResults } from '../cli';

const ISSUER = 'https://identity.bench.sne.invalid/oidc';
const APP = 'registration';
/** The APIs a console token names, as the tests' tokens do. */
const AUDIENCES = ['registration', 'dispatching', 'renewal-notices', 'document-ingestion'].map(
  apiAudience,
);
const TTL_SECONDS = 900;
const ROLE_SETS: OperatorRole[][] = [
  ['national-admin'],
  ['territorial-manager'],
  ['consultant-simple', 'consultant-demande'],
  ['territorial-manager', 'consultant-sensible'],
];
const DEPARTMENTS = ['057', '054', '075', '093', '02A', '971', '013', '069'];
const GUICHET_TYPES = ['landlord', 'municipality', 'state', 'association'];

const log = (message: string) => process.stderr.write(`${message}\n`);

/** Operators and guichets, as a national API sees them. */
function callerNumber(n: number): Caller {
  const territory = n % 5 === 0 ? 'all' : DEPARTMENTS.slice(n % 8, (n % 8) + 1 + (n % 3));
  if (n % 2 === 0)
    return {
      kind: 'operator',
      id: `agent.${n}@example.fr`,
      roles: ROLE_SETS[n % ROLE_SETS.length],
      territory,
    };
  return {
    kind: 'guichet',
    id: String(10_000 + n).slice(-5),
    guichetType: GUICHET_TYPES[n % GUICHET_TYPES.length],
    territory: territory === 'all' ? ['057'] : territory,
    ...(n % 4 === 1 ? { siren: String(200_000_000 + n) } : {}),
  };
}

/** Serves the JWKS as an identity provider's jwks_uri would, counting the requests. */
async function jwksServer(
  jwks: JSONWebKeySet,
): Promise<{ url: string; server: Server; hits: () => number }> {
  let hits = 0;
  const body = JSON.stringify(jwks);
  const server = createServer((_request, response) => {
    hits++;
    response.writeHead(200, {
      'content-type': 'application/jwk-set+json',
      'cache-control': 'max-age=600',
    });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/oidc/jwks`, server, hits: () => hits };
}

type Verify = (token: string) => Promise<void>;

interface Timing {
  readonly perSecond: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

async function time(
  verify: Verify,
  tokens: readonly string[],
  iterations: number,
): Promise<Timing> {
  const times = new Float64Array(iterations);
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    const before = performance.now();
    await verify(tokens[i % tokens.length]);
    times[i] = performance.now() - before;
  }
  const seconds = (performance.now() - start) / 1000;
  times.sort();
  return {
    perSecond: round(iterations / seconds, 0),
    p50Us: round(percentile(times, 0.5) * 1000),
    p99Us: round(percentile(times, 0.99) * 1000),
  };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const iterations = positiveIntegerOption(argv, '--iterations') ?? 30_000;
  const warmUp = positiveIntegerOption(argv, '--warm-up') ?? 3_000;
  const repeat = positiveIntegerOption(argv, '--repeat') ?? 3;
  const tokenCount = positiveIntegerOption(argv, '--tokens') ?? 1_000;

  // The identity provider's key: a private ES256 JWK with its kid (apps/identity-provider).
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'ES256' };
  const jwks: JSONWebKeySet = {
    keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }],
  };
  const now = new Date();
  const tokens = await Promise.all(
    Array.from({ length: tokenCount }, (_, n) =>
      signAccessToken(callerNumber(n), {
        issuer: ISSUER,
        privateJwk,
        key: privateKey,
        clientId: n % 2 === 0 ? 'sne-console' : String(10_000 + n).slice(-5),
        audience: AUDIENCES,
        now,
        ttlSeconds: TTL_SECONDS,
      }),
    ),
  );
  const tokenBytes = Math.round(
    tokens.reduce((sum, token) => sum + token.length, 0) / tokens.length,
  );

  const served = await jwksServer(jwks);
  const env = {
    NODE_ENV: 'production',
    AUTH_ISSUER: ISSUER,
    AUTH_MAX_TOKEN_LIFETIME_SECONDS: 900,
    AUTH_CLOCK_TOLERANCE_SECONDS: 30,
  };
  const localSettings: AccessTokenSettings = accessTokenSettingsFrom(
    { ...env, AUTH_JWKS_URI: '', AUTH_JWKS: jwks },
    APP,
  );
  const remoteSettings: AccessTokenSettings = accessTokenSettingsFrom(
    { ...env, AUTH_JWKS_URI: served.url, AUTH_JWKS: { keys: [] } },
    APP,
  );
  const localVerifier = new AccessTokenVerifier(localSettings);
  const remoteVerifier = new AccessTokenVerifier(remoteSettings);
  const bareKeys = createLocalJWKSet(jwks);
  const optionKeys = createLocalJWKSet(jwks);

  const platform =
    (verifier: AccessTokenVerifier): Verify =>
    async (token) => {
      // Real time, as the guard gives it.
      const checked = await verifier.verify(token, new Date());
      if (!checked.ok) throw new Error(`refused: ${checked.reason}`);
    };
  const paths: Record<string, Verify> = {
    bare: async (token) => {
      await jwtVerify(token, bareKeys);
    },
    'jose with the platform options': async (token) => {
      await jwtVerify(token, optionKeys, {
        issuer: [ISSUER],
        audience: apiAudience(APP),
        algorithms: ACCESS_TOKEN_ALGORITHMS,
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'],
        clockTolerance: 30,
        currentDate: new Date(),
      });
    },
    'platform, local JWKS': platform(localVerifier),
    'platform, remote JWKS': platform(remoteVerifier),
  };
  const names = Object.keys(paths);

  try {
    // Every token verifies on every path (and the remote key set fetches its keys once).
    for (const name of names) for (const token of tokens) await paths[name](token);
    const fetchesBefore = served.hits();
    log(`${tokens.length} tokens of ${tokenBytes} characters verified on every path`);

    const runs: Record<string, Timing[]> = Object.fromEntries(names.map((name) => [name, []]));
    for (let r = 0; r < repeat; r++) {
      const order = names.map((_, i) => names[(i + r) % names.length]);
      for (const name of order) {
        const verify = paths[name];
        await time(verify, tokens, warmUp);
        const timing = await time(verify, tokens, iterations);
        runs[name].push(timing);
        log(
          `repetition ${r + 1}/${repeat} ${name}: ${timing.perSecond}/s, p50 ${timing.p50Us} µs, p99 ${timing.p99Us} µs`,
        );
      }
    }
    const summary = Object.fromEntries(
      names.map((name) => {
        const timings = runs[name];
        const rates = timings.map((timing) => timing.perSecond);
        return [
          name,
          {
            perSecond: median(rates),
            spread: [Math.min(...rates), Math.max(...rates)],
            p50Us: median(timings.map((timing) => timing.p50Us)),
            p99Us: median(timings.map((timing) => timing.p99Us)),
          },
        ];
      }),
    ) as Record<string, { perSecond: number; spread: number[]; p50Us: number; p99Us: number }>;
    const bare = summary.bare?.perSecond ?? 1;
    const results = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: cpus().length, loadavg: loadavg().map((load) => round(load, 2)) },
      node: process.version,
      algorithm: 'ES256',
      tokens: tokens.length,
      tokenCharacters: tokenBytes,
      iterations,
      warmUp,
      repeat,
      // Requests the remote key set made while timed (0: steady state on cached keys).
      jwksFetchesWhileTimed: served.hits() - fetchesBefore,
      paths: Object.fromEntries(
        names.map((name) => [
          name,
          {
            ...summary[name],
            ratioToBare: round((summary[name]?.perSecond ?? 0) / bare, 2),
          },
        ]),
      ),
      runs,
    };
    console.log('| path | verifications/s (spread) | p50 | p99 | ratio to bare |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const name of names) {
      const row = results.paths[name];
      console.log(
        `| ${name} | ${row.perSecond} (${row.spread?.join('-')}) | ${row.p50Us} µs | ${row.p99Us} µs | ${row.ratioToBare} |`,
      );
    }
    await writeResults(join(__dirname, 'results.json'), results);
  } finally {
    served.server.close();
  }
}

void main();
