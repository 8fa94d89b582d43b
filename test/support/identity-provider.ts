import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { appEnv, freePort, type Isolation, startApp, TEST_ISSUER } from '@sne/testing';
import type { DynamicModule } from '@nestjs/common';
import { Browser, signInAt } from './browser';
import { AccountStore } from '../../apps/identity-provider/src/account-store';
import { parsePerson } from '../../apps/identity-provider/src/accounts';
import { AppModule, mountProvider } from '../../apps/identity-provider/src/app.module';
import { ClientStore } from '../../apps/identity-provider/src/client-store';
import { loadIdentityProviderConfig } from '../../apps/identity-provider/src/config';

/** The password of every person the tests sign in as. */
export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestIdentityProvider {
  readonly app: INestApplication;
  readonly issuer: string;
  readonly clients: ClientStore;
  readonly accounts: AccountStore;
  /** Adds a person who signs in with TEST_PASSWORD. */
  addPerson(person: {
    login: string;
    name?: string;
    roles: string[];
    territory: string[] | 'all';
  }): Promise<void>;
}

/**
 * The identity provider of a test file, signing with the file's test key (libs/testing), so the
 * apps it starts verify its tokens once their AUTH_ISSUER names it.
 */
export async function startIdentityProvider(
  isolation: Isolation,
  overrides: Record<string, string> = {},
  reserved?: ReservedIdentityProvider,
): Promise<TestIdentityProvider> {
  const port = reserved?.port ?? (await freePort());
  const issuer = `http://127.0.0.1:${port}/oidc`;
  const config = loadIdentityProviderConfig(
    appEnv(isolation, { HTTP_PORT: String(port), IDP_ISSUER: issuer, ...overrides }),
  );
  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: false,
    bodyParser: false,
  });
  mountProvider(app, config);
  await app.listen(port, '127.0.0.1');
  const accounts = app.get(AccountStore);
  return {
    app,
    issuer,
    clients: app.get(ClientStore),
    accounts,
    addPerson: (person) =>
      accounts.add(parsePerson({ name: person.login, ...person }), TEST_PASSWORD),
  };
}

/**
 * The address of an identity provider started later in a test file, for apps started first:
 * they trust its tokens beside the file's own test tokens (AUTH_ISSUER as a list).
 */
export interface ReservedIdentityProvider {
  readonly port: number;
  readonly issuer: string;
  /** AUTH_ISSUER of the apps that take both the test tokens and the provider's. */
  readonly authIssuers: string;
}

export async function reserveIdentityProvider(): Promise<ReservedIdentityProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}/oidc`;
  return { port, issuer, authIssuers: `${TEST_ISSUER},${issuer}` };
}

/**
 * A console on its own identity provider with one person signed in: what an operator's browser
 * holds after signing in. `console(env)` builds the console's module from its environment.
 */
export async function signedInConsole(
  isolation: Isolation,
  reserved: ReservedIdentityProvider,
  console: (env: Record<string, string>) => DynamicModule,
  consoleEnv: Record<string, string>,
  person: { login: string; roles: string[]; territory: string[] | 'all' },
): Promise<{ url: string; browser: Browser; close(): Promise<void> }> {
  const idp = await startIdentityProvider(isolation, {}, reserved);
  await idp.addPerson(person);
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const { secret } = await idp.clients.registerWebClient({
    clientId: 'sne-console',
    redirectUris: [`${publicUrl}/auth/callback`],
    postLogoutRedirectUris: [`${publicUrl}/`],
  });
  const started = await startApp(
    console(
      appEnv(isolation, {
        ...consoleEnv,
        CONSOLE_PUBLIC_URL: publicUrl,
        CONSOLE_OIDC_ISSUER: idp.issuer,
        CONSOLE_OIDC_CLIENT_SECRET: secret,
      }),
    ),
    { port },
  );
  const browser = new Browser();
  const form = (await browser.follow(`${started.url}/`)) as Response;
  const home = (await signInAt(browser, form, person.login, TEST_PASSWORD)) as Response;
  if (home.status !== 200) throw new Error(`sign-in at the console ended with ${home.status}`);
  return {
    url: started.url,
    browser,
    close: async () => {
      await started.app.close();
      await idp.app.close();
    },
  };
}
