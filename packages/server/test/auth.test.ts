import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { totpCode } from '../src/auth/totp.js';
import { buildTree, createUser, PASSWORD, type Tree } from './fixtures.js';
import { Client, DIALECTS, startTestServer, type TestServer } from './harness.js';

describe.each(DIALECTS)('sign-in on %s', (dialect) => {
  let server: TestServer;
  let tree: Tree;

  beforeAll(async () => {
    server = await startTestServer(dialect, { LOGIN_MAX_FAILURES: '3' });
    tree = await buildTree(server.handle.db);
    await createUser(server.handle.db, 'rssi@a.fr', [{ role: 'establishment_rssi', organisationId: tree.ejA.id }]);
    await createUser(server.handle.db, 'locked@a.fr', [{ role: 'contributor', organisationId: tree.ejA.id }]);
    await createUser(server.handle.db, 'totp@a.fr', [{ role: 'establishment_director', organisationId: tree.ejA.id }]);
    await createUser(server.handle.db, 'reset@a.fr', [{ role: 'auditor', organisationId: tree.ejA.id }]);
  });
  afterAll(() => server?.close());

  test('a password sign-in opens an HttpOnly SameSite session and /me lists the grants', async () => {
    const c = new Client(server.app);
    const r = await c.post('/api/auth/login', { email: 'RSSI@a.fr', password: PASSWORD });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('signed_in');
    const cookie = r.raw.cookies.find((k) => k.name === 'rempart_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.secure).toBeFalsy(); // plain-HTTP test server; Secure is set when PUBLIC_URL is https
    const me = await c.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.email).toBe('rssi@a.fr');
    expect(me.body.grants).toEqual([
      expect.objectContaining({ role: 'establishment_rssi', organisationId: tree.ejA.id, organisationName: 'CH A' }),
    ]);
    const stored = await server.handle.db.selectFrom('session').select('id_hash').execute();
    expect(stored.every((s) => !cookie.value.includes(s.id_hash))).toBe(true);
  });

  test('wrong passwords lock the account after the configured number of failures', async () => {
    const c = new Client(server.app);
    for (let i = 0; i < 3; i++) {
      expect((await c.post('/api/auth/login', { email: 'locked@a.fr', password: 'wrong password!' })).status).toBe(401);
    }
    const locked = await c.post('/api/auth/login', { email: 'locked@a.fr', password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('account_locked');
    const unknown = await c.post('/api/auth/login', { email: 'nobody@a.fr', password: PASSWORD });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('invalid_credentials');
    const events = await server.handle.db
      .selectFrom('audit_event')
      .select('action')
      .where('action', '=', 'account.locked')
      .execute();
    expect(events).toHaveLength(1);
  });

  test('TOTP: setup, enable with recovery codes, then sign-in needs the second factor; codes are single-use', async () => {
    const c = new Client(server.app);
    await c.login('totp@a.fr', PASSWORD);
    const setup = await c.post('/api/auth/totp/setup');
    expect(setup.status).toBe(200);
    expect(setup.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Rempart:totp%40a\.fr\?secret=/);
    const badEnable = await c.post('/api/auth/totp/enable', { code: '000000' });
    expect(badEnable.status).toBe(400);
    const enableCode = totpCode(setup.body.secret);
    const enable = await c.post('/api/auth/totp/enable', { code: enableCode });
    expect(enable.status).toBe(200);
    const recovery: string[] = enable.body.recoveryCodes;
    expect(recovery).toHaveLength(10);

    const second = new Client(server.app);
    const login = await second.post('/api/auth/login', { email: 'totp@a.fr', password: PASSWORD });
    expect(login.body.status).toBe('mfa_required');
    expect((await second.get('/api/auth/me')).status).toBe(401); // not signed in until the second factor
    expect((await second.post('/api/auth/totp/verify', { code: '123456' })).status).toBe(401);
    // The code used to enable is spent: the same step cannot be replayed. The very same code is sent again (a code
    // computed now would belong to the next step if a 30 s boundary passed meanwhile, and rightly be accepted).
    const replay = await second.post('/api/auth/totp/verify', { code: enableCode });
    expect(replay.status).toBe(401);
    const viaRecovery = await second.post('/api/auth/totp/verify', { code: recovery[0]!.toUpperCase() });
    expect(viaRecovery.status).toBe(200);
    expect((await second.get('/api/auth/me')).status).toBe(200);

    const third = new Client(server.app);
    await third.post('/api/auth/login', { email: 'totp@a.fr', password: PASSWORD });
    expect((await third.post('/api/auth/totp/verify', { code: recovery[0]! })).status).toBe(401);
    expect((await third.post('/api/auth/totp/verify', { code: recovery[1]! })).status).toBe(200);
  });

  test('a state-changing request without the CSRF token is refused and changes nothing', async () => {
    const c = new Client(server.app);
    await c.login('rssi@a.fr', PASSWORD);
    const csrf = c.csrf;
    c.csrf = undefined;
    const r = await c.post('/api/auth/totp/setup');
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('csrf_failed');
    c.csrf = 'forged-token-value-000000';
    expect((await c.post('/api/auth/totp/setup')).status).toBe(403);
    const user = await server.handle.db
      .selectFrom('app_user')
      .select('totp_secret')
      .where('email', '=', 'rssi@a.fr')
      .executeTakeFirstOrThrow();
    expect(user.totp_secret).toBeNull();
    c.csrf = csrf;
    expect((await c.post('/api/auth/logout')).status).toBe(200);
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });

  test('forged and expired session cookies are not sessions', async () => {
    const forged = new Client(server.app);
    forged.cookie = 'rempart_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expect((await forged.get('/api/auth/me')).status).toBe(401);
    forged.cookie = "rempart_session=' OR 1=1 --";
    expect((await forged.get('/api/auth/me')).status).toBe(401);

    const c = new Client(server.app);
    await c.login('rssi@a.fr', PASSWORD);
    await server.handle.db.updateTable('session').set({ expires_at: '2000-01-01T00:00:00.000Z' }).execute();
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });

  test('password reset by one-time token: works once, ends sessions, unknown addresses look the same', async () => {
    const c = new Client(server.app);
    await c.login('reset@a.fr', PASSWORD);
    const anon = new Client(server.app);
    expect((await anon.post('/api/auth/password-reset', { email: 'reset@a.fr' })).status).toBe(202);
    expect((await anon.post('/api/auth/password-reset', { email: 'ghost@a.fr' })).status).toBe(202);
    const mail = await server.handle.db
      .selectFrom('outbox')
      .selectAll()
      .where('recipient', '=', 'reset@a.fr')
      .executeTakeFirstOrThrow();
    expect(
      await server.handle.db.selectFrom('outbox').selectAll().where('recipient', '=', 'ghost@a.fr').execute(),
    ).toEqual([]);
    const token = /jeton=([A-Za-z0-9_-]+)/.exec(mail.body)![1]!;
    expect((await anon.post('/api/auth/password-reset/confirm', { token, password: 'short' })).body.error.code).toBe(
      'weak_password',
    );
    const ok = await anon.post('/api/auth/password-reset/confirm', { token, password: 'a brand new long passphrase' });
    expect(ok.status).toBe(200);
    expect(
      (await anon.post('/api/auth/password-reset/confirm', { token, password: 'another long passphrase' })).body.error
        .code,
    ).toBe('invalid_token');
    expect((await c.get('/api/auth/me')).status).toBe(401);
    await new Client(server.app).login('reset@a.fr', 'a brand new long passphrase');
  });

  test('API tokens: scoped to a node and a role, hashed at rest, revocable, expiring', async () => {
    const c = new Client(server.app);
    await c.login('rssi@a.fr', PASSWORD);
    const created = await c.post('/api/tokens', {
      name: 'cli',
      organisationId: tree.siteA.id,
      role: 'establishment_rssi',
      expiresInDays: 30,
    });
    expect(created.status).toBe(201);
    const token: string = created.body.token;
    const row = await server.handle.db
      .selectFrom('api_token')
      .selectAll()
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(token.slice(4));
    // Escalation refused: a role the creator does not hold and could not grant.
    const escalate = await c.post('/api/tokens', {
      name: 'x',
      organisationId: tree.siteA.id,
      role: 'establishment_director',
    });
    expect(escalate.status).toBe(403);

    const cli = new Client(server.app);
    cli.bearer = token;
    expect((await cli.get(`/api/organisations/${tree.siteA.id}`)).status).toBe(200);
    expect((await cli.get(`/api/organisations/${tree.ejA.id}`)).status).toBe(403); // above its node
    cli.bearer = `${token.slice(0, -2)}xx`;
    expect((await cli.get(`/api/organisations/${tree.siteA.id}`)).body.error.code).toBe('invalid_token');

    await server.handle.db
      .updateTable('api_token')
      .set({ expires_at: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', created.body.id)
      .execute();
    cli.bearer = token;
    expect((await cli.get(`/api/organisations/${tree.siteA.id}`)).status).toBe(401);
    const second = await c.post('/api/tokens', {
      name: 'cli2',
      organisationId: tree.siteA.id,
      role: 'establishment_rssi',
    });
    expect((await c.delete(`/api/tokens/${second.body.id}`)).status).toBe(200);
    cli.bearer = second.body.token;
    expect((await cli.get(`/api/organisations/${tree.siteA.id}`)).status).toBe(401);
  });
});
