import type { Server } from 'node:http';
import { freePort } from '@sne/testing';
import express from 'express';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

/** An agent as ProConnect describes them: its documented claims. */
export interface StandInAgent {
  readonly sub: string;
  readonly email: string;
  readonly siret: string;
  readonly given_name: string;
  readonly usual_name: string;
  readonly uid: string;
  readonly idp_id: string;
}

export interface ProConnectStandIn {
  /** `http://127.0.0.1:<port>/api/v2`, as ProConnect's issuer ends. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Who the next sign-in at the stand-in is (no form: the test decides). */
  signInAs(agent: StandInAgent | undefined): void;
  /** Whose sessions ProConnect's end of session ended (their `sub`), in order. */
  readonly endedSessions: string[];
  close(): Promise<void>;
}

/**
 * A second OpenID provider (oidc-provider) on loopback, shaped as ProConnect is for its service
 * providers: issuer under `/api/v2`, ProConnect's scopes and claims, ES256 ID tokens, userinfo as
 * a signed JWT, `client_secret_post`, no PKCE, and an end of session that needs the ID token.
 */
export async function startProConnectStandIn(registration: {
  redirectUri: string;
  postLogoutRedirectUri: string;
}): Promise<ProConnectStandIn> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}/api/v2`;
  const clientId = 'sne-stand-in-client';
  const clientSecret = 'stand-in-client-secret-of-forty-characters';
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const signingKey = {
    ...(await exportJWK(privateKey)),
    kid: 'stand-in',
    alg: 'ES256',
    use: 'sig',
  };
  let agent: StandInAgent | undefined;
  const endedSessions: string[] = [];
  const claimNames = ['email', 'given_name', 'usual_name', 'uid', 'siret', 'idp_id'];

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [registration.redirectUri],
        post_logout_redirect_uris: [registration.postLogoutRedirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'ES256',
        userinfo_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [signingKey] },
    // Its own cookie names: the tests' browser keeps cookies by name for every loopback port.
    cookies: {
      keys: ['stand-in-cookie-key-of-thirty-two-characters'],
      names: { session: '_pc_session', interaction: '_pc_interaction', resume: '_pc_resume' },
    },
    scopes: ['openid', ...claimNames],
    claims: Object.fromEntries([['openid', ['sub']], ...claimNames.map((name) => [name, [name]])]),
    pkce: { required: () => false },
    features: {
      devInteractions: { enabled: false },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) =>
      agent?.sub === sub ? { accountId: sub, claims: () => ({ ...agent! }) } : undefined,
  });
  provider.on('end_session.success', (ctx) => {
    endedSessions.push(String(ctx.oidc.session?.accountId));
  });

  const app = express();
  // ProConnect signs the agent in at their own identity provider; here the test says who.
  app.get('/interaction/:uid', async (request, response) => {
    const details = await provider.interactionDetails(request, response);
    if (!agent) {
      await provider.interactionFinished(request, response, { error: 'access_denied' });
      return;
    }
    const grant = new provider.Grant({
      accountId: agent.sub,
      clientId: String(details.params.client_id),
    });
    grant.addOIDCScope(String(details.params.scope));
    await provider.interactionFinished(request, response, {
      login: { accountId: agent.sub },
      consent: { grantId: await grant.save() },
    });
  });
  app.use('/api/v2', provider.callback());
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(port, '127.0.0.1', () => resolve(listening));
  });
  return {
    issuer,
    clientId,
    clientSecret,
    signInAs: (next) => {
      agent = next;
    },
    endedSessions,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
