import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import type { Database } from '../src/db/schema.js';
import { startMailJobs } from '../src/mail/jobs.js';
import { deliverOutbox, type MailTransport, type SenderOptions, smtpTransport } from '../src/mail/sender.js';
import { buildTree, createUser } from './fixtures.js';
import { Client, DIALECTS, startTestServer, type TestServer } from './harness.js';
import { parseMail, type Receiver, startReceiver } from './smtp-receiver.js';

const T0 = new Date('2026-11-29T08:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

async function enqueue(db: Kysely<Database>, recipient: string, subject = 'Rempart : réinitialisation') {
  const row = await db
    .insertInto('outbox')
    .values({
      kind: 'password_reset',
      recipient,
      subject,
      body: 'Pour choisir un nouveau mot de passe, ouvrez ce lien : https://rempart.example.fr/reinitialisation?jeton=x\n',
      created_at: T0.toISOString(),
      sent_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const rowOf = (db: Kysely<Database>, id: number) =>
  db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('mail settings', () => {
  test('SMTP_URL must be an smtp(s) URL; retries and reminder days are bounded', () => {
    expect(loadConfig({ SMTP_URL: 'smtp://relay.chu.fr:25' }).mail).toMatchObject({
      smtpUrl: 'smtp://relay.chu.fr:25',
      maxAttempts: 8,
      reminderDays: [14, 3],
    });
    expect(loadConfig({ REMINDER_DAYS: '3,30,7' }).mail.reminderDays).toEqual([30, 7, 3]);
    for (const env of [
      { SMTP_URL: 'http://relay' },
      { SMTP_URL: 'smtp://a b' },
      { MAIL_MAX_ATTEMPTS: '0' },
      { MAIL_RETRY_SECONDS: '-5' },
      { REMINDER_DAYS: '14;3' },
      { REMINDER_DAYS: '1,2,3,4,5,6' },
    ]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
    }
  });
});

describe('SMTP transport from SMTP_URL', () => {
  test('host, port, TLS and URL-encoded credentials are read from the URL, with the timeouts', () => {
    const transport = smtpTransport('smtps://alerte%40chu.fr:p%3Ass%2Fw@relay.chu.fr:2465', 7_000) as unknown as {
      transporter: { options: Record<string, unknown> };
      close(): void;
    };
    expect(transport.transporter.options).toMatchObject({
      host: 'relay.chu.fr',
      port: 2465,
      secure: true,
      auth: { user: 'alerte@chu.fr', pass: 'p:ss/w' },
      socketTimeout: 7_000,
    });
    transport.close();
  });
});

describe.each(DIALECTS)('outbox delivery over SMTP to a real loopback server on %s', (dialect) => {
  let server: TestServer;
  let db: Kysely<Database>;
  let receiver: Receiver;
  let transport: MailTransport;
  const options = (now: Date, extra: Partial<SenderOptions> = {}): SenderOptions => ({
    from: 'Rempart <ne-pas-repondre@rempart.example.fr>',
    maxAttempts: 3,
    retryBaseMs: 60_000,
    claimMs: 120_000,
    batch: 50,
    now: () => now,
    ...extra,
  });

  beforeAll(async () => {
    server = await startTestServer(dialect);
    db = server.handle.db;
  });
  afterAll(() => server?.close());
  beforeEach(async () => {
    receiver = await startReceiver();
    // A short socket timeout so that the silent receiver makes the send fail (no time is asserted).
    transport = smtpTransport(receiver.url, 1_500);
    await db.deleteFrom('outbox').execute();
  });
  afterEach(async () => {
    transport.close?.();
    await receiver.close();
  });

  test('delivers each pending message once, with a stable Message-ID, and never again', async () => {
    const a = await enqueue(db, 'rssi@cha.fr');
    const b = await enqueue(db, 'dir@cha.fr', 'Rempart : votre compte');
    const report = await deliverOutbox(db, transport, options(T0));
    expect(report).toEqual({ sent: 2, retried: 0, dead: 0, interrupted: 0 });
    expect(receiver.received.map((m) => m.to)).toEqual([['rssi@cha.fr'], ['dir@cha.fr']]);
    const first = parseMail(receiver.received[0]!.raw);
    expect(first.headers.subject).toBe('Rempart : réinitialisation');
    expect(first.headers['message-id']).toBe(`<outbox-${a}@rempart.example.fr>`);
    expect(first.text).toContain('Pour choisir un nouveau mot de passe');
    expect(await rowOf(db, b)).toMatchObject({ status: 'sent', attempts: 1, sent_at: T0.toISOString() });
    // Running again (or later) sends nothing twice.
    expect(await deliverOutbox(db, transport, options(later(3_600_000)))).toEqual({
      sent: 0,
      retried: 0,
      dead: 0,
      interrupted: 0,
    });
    expect(receiver.received).toHaveLength(2);
  });

  test('a temporary refusal is retried after a doubling delay, then the message goes dead after N failures', async () => {
    const id = await enqueue(db, 'rssi@cha.fr');
    receiver.state.mode = 'refuse_temporary';
    expect((await deliverOutbox(db, transport, options(T0))).retried).toBe(1);
    const first = await rowOf(db, id);
    expect(first).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: later(60_000).toISOString() });
    expect(first.last_error).toMatch(/451/);
    // Not due yet: nothing is attempted.
    const attempts = receiver.state.attempts;
    expect(await deliverOutbox(db, transport, options(later(59_000)))).toMatchObject({ retried: 0, sent: 0 });
    expect(receiver.state.attempts).toBe(attempts);
    expect((await deliverOutbox(db, transport, options(later(60_000)))).retried).toBe(1);
    expect((await rowOf(db, id)).next_attempt_at).toBe(later(60_000 + 120_000).toISOString());
    expect((await deliverOutbox(db, transport, options(later(180_000)))).dead).toBe(1);
    expect(await rowOf(db, id)).toMatchObject({ status: 'dead', attempts: 3, sent_at: null });
    receiver.state.mode = 'accept';
    expect((await deliverOutbox(db, transport, options(later(86_400_000)))).sent).toBe(0);
    expect(receiver.received).toEqual([]);
  });

  test('a temporary failure followed by an accepting server delivers the message once', async () => {
    const id = await enqueue(db, 'rssi@cha.fr');
    receiver.state.mode = 'refuse_temporary';
    await deliverOutbox(db, transport, options(T0));
    receiver.state.mode = 'accept';
    expect((await deliverOutbox(db, transport, options(later(60_000)))).sent).toBe(1);
    expect(await rowOf(db, id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    expect(receiver.received).toHaveLength(1);
  });

  test('a permanent refusal (5xx) goes dead at once', async () => {
    const id = await enqueue(db, 'inconnu@cha.fr');
    receiver.state.mode = 'refuse_permanent';
    expect((await deliverOutbox(db, transport, options(T0))).dead).toBe(1);
    const row = await rowOf(db, id);
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row.last_error).toMatch(/550/);
  });

  test('a receiver that never answers times out and the message is retried, not lost', async () => {
    const id = await enqueue(db, 'rssi@cha.fr');
    receiver.state.mode = 'hang';
    expect((await deliverOutbox(db, transport, options(T0))).retried).toBe(1);
    const row = await rowOf(db, id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.last_error).toMatch(/timeout|ETIMEDOUT/i);
  });

  test('no server listening: the connection refusal is retried', async () => {
    // A port nothing listens on, and nothing can while the test runs: the local end of a connection held open to a
    // silent listener (a port bound and closed again may go meanwhile to a listener of a suite running alongside).
    const sink = createServer((s) => s.on('error', () => {}));
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const holder = connect((sink.address() as { port: number }).port, '127.0.0.1');
    holder.on('error', () => {});
    await once(holder, 'connect');
    try {
      const id = await enqueue(db, 'rssi@cha.fr');
      const nowhere = smtpTransport(`smtp://127.0.0.1:${holder.localPort}`, 1_500);
      expect((await deliverOutbox(db, nowhere, options(T0))).retried).toBe(1);
      expect((await rowOf(db, id)).last_error).toMatch(/ECONNREFUSED/);
    } finally {
      holder.destroy();
      await new Promise<void>((resolve) => sink.close(() => resolve()));
    }
  });

  test('two senders running at once send each message exactly once', async () => {
    for (let i = 0; i < 6; i++) await enqueue(db, `user${i}@cha.fr`);
    const second = smtpTransport(receiver.url, 1_500);
    const [x, y] = await Promise.all([
      deliverOutbox(db, transport, options(T0)),
      deliverOutbox(db, second, options(T0)),
    ]);
    second.close?.();
    expect(x.sent + y.sent).toBe(6);
    expect(receiver.received.map((m) => m.to[0]).sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `user${i}@cha.fr`));
  });

  test('a message left claimed by a stopped sender is given up rather than risk a duplicate', async () => {
    const id = await enqueue(db, 'rssi@cha.fr');
    await db
      .updateTable('outbox')
      .set({ status: 'sending', claimed_until: later(60_000).toISOString() })
      .where('id', '=', id)
      .execute();
    expect((await deliverOutbox(db, transport, options(later(30_000)))).interrupted).toBe(0);
    expect((await deliverOutbox(db, transport, options(later(61_000)))).interrupted).toBe(1);
    expect(await rowOf(db, id)).toMatchObject({ status: 'dead' });
    expect(receiver.received).toEqual([]);
  });
});

describe.each(DIALECTS)('the server mail jobs on %s', (dialect) => {
  test('a password reset requested through the API reaches the SMTP server, once', async () => {
    const receiver = await startReceiver();
    const server = await startTestServer(dialect, { SMTP_URL: receiver.url, PUBLIC_URL: 'https://rempart.example.fr' });
    try {
      const tree = await buildTree(server.handle.db);
      await createUser(server.handle.db, 'rssi@cha.fr', [{ role: 'establishment_rssi', organisationId: tree.ejA.id }]);
      const asked = await new Client(server.app).post('/api/auth/password-reset', { email: 'rssi@cha.fr' });
      expect(asked.status).toBe(202);
      const jobs = startMailJobs(server.app);
      try {
        await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(1);
      } finally {
        jobs.stop();
      }
      const mail = parseMail(receiver.received[0]!.raw);
      expect(receiver.received[0]!.to).toEqual(['rssi@cha.fr']);
      expect(mail.headers.subject).toBe('Rempart : réinitialisation de votre mot de passe');
      expect(mail.text).toContain('https://rempart.example.fr/reinitialisation?jeton=');
      // The receiver has the message before the sender records it as sent: wait for that write too (the 1 s default
      // of expect.poll is short on a loaded machine).
      await expect
        .poll(
          async () => (await server.handle.db.selectFrom('outbox').select('status').executeTakeFirstOrThrow()).status,
          { timeout: 30_000 },
        )
        .toBe('sent');
    } finally {
      await server.close();
      await receiver.close();
    }
  });
});
