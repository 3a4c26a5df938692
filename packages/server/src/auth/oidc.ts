import * as client from 'openid-client';
import type { Config } from '../config.js';

type OidcSettings = NonNullable<Config['oidc']>;
const discovered = new Map<string, Promise<client.Configuration>>();

function isLocal(url: URL): boolean {
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** The provider's configuration, discovered once per process (a cache, not state). */
export function oidcConfiguration(settings: OidcSettings): Promise<client.Configuration> {
  let found = discovered.get(settings.issuer);
  if (!found) {
    const issuer = new URL(settings.issuer);
    // Plain HTTP only for a provider on this machine (development and the end-to-end test).
    const options = isLocal(issuer) ? { execute: [client.allowInsecureRequests] } : undefined;
    found = client.discovery(issuer, settings.clientId, settings.clientSecret, undefined, options);
    found.catch(() => discovered.delete(settings.issuer));
    discovered.set(settings.issuer, found);
  }
  return found;
}

export async function authorizationUrl(
  settings: OidcSettings,
  redirectUri: string,
): Promise<{ url: string; state: string; nonce: string; codeVerifier: string }> {
  const configuration = await oidcConfiguration(settings);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url: url.href, state, nonce, codeVerifier };
}

export interface OidcIdentity {
  issuer: string;
  subject: string;
  email?: string;
  emailVerified: boolean;
}

export async function completeLogin(
  settings: OidcSettings,
  callbackUrl: URL,
  expected: { state: string; nonce: string; codeVerifier: string },
): Promise<OidcIdentity> {
  const configuration = await oidcConfiguration(settings);
  const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
    pkceCodeVerifier: expected.codeVerifier,
    expectedState: expected.state,
    expectedNonce: expected.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims) throw new Error('no ID token');
  // Providers conforming to OIDC Core §5.4 put profile claims in UserInfo, not in the ID token.
  const profile: Record<string, unknown> =
    typeof claims.email === 'string'
      ? claims
      : await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
  return {
    issuer: claims.iss,
    subject: claims.sub,
    email: typeof profile.email === 'string' ? profile.email.toLowerCase() : undefined,
    emailVerified: profile.email_verified !== false,
  };
}
