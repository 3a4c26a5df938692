import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration from the environment', () => {
  test('defaults: embedded SQLite under ./data, port 3000, plain cookies on http', () => {
    const c = loadConfig({});
    expect(c.database).toEqual({ kind: 'sqlite', file: expect.stringMatching(/data\/rempart\.sqlite$/) });
    expect(c.port).toBe(3000);
    expect(c.secureCookies).toBe(false);
    expect(c.oidc).toBeUndefined();
  });

  test('PostgreSQL when DATABASE_URL is set; Secure cookies behind an https PUBLIC_URL', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u:p@db/rempart', PUBLIC_URL: 'https://rempart.ars.fr/' });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db/rempart' });
    expect(c.publicUrl).toBe('https://rempart.ars.fr');
    expect(c.secureCookies).toBe(true);
  });

  test('every bad value is reported with its variable name', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', TRUST_PROXY: 'maybe', PUBLIC_URL: 'not a url' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      for (const name of ['PORT', 'DATABASE_URL', 'TRUST_PROXY', 'PUBLIC_URL']) expect(message).toContain(name);
    }
  });

  test('OIDC needs its three settings together', () => {
    expect(() => loadConfig({ OIDC_ISSUER: 'https://idp.fr' })).toThrow(/set all three or none/);
    const c = loadConfig({ OIDC_ISSUER: 'https://idp.fr', OIDC_CLIENT_ID: 'id', OIDC_CLIENT_SECRET: 's' });
    expect(c.oidc).toMatchObject({ issuer: 'https://idp.fr', label: 'ProConnect' });
  });
});
