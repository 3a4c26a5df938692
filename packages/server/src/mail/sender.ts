import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type { Database } from '../db/schema.js';

/** What the sender needs of an SMTP transport: nodemailer's `sendMail`. */
export interface MailTransport {
  sendMail(message: { from: string; to: string; subject: string; text: string; messageId: string }): Promise<unknown>;
  close?(): void;
}

export interface SenderOptions {
  from: string;
  /** Failures after which a message is given up (`dead`). */
  maxAttempts: number;
  /** Delay before the first retry; doubled at each further failure, at most one day. */
  retryBaseMs: number;
  /** How long a claimed message stays reserved to this sender. */
  claimMs: number;
  /** Messages handled per call. */
  batch: number;
  /** The clock, passed in so retries and claims are decided without waiting in tests. */
  now: () => Date;
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  dead: number;
  /** Messages found claimed by a sender that never finished (process stopped): given up, never sent twice. */
  interrupted: number;
}

const MAX_BACKOFF_MS = 86_400_000;

/** An SMTP transport for `smtp://` or `smtps://` URLs, with bounded connection, greeting and socket waits. */
export function smtpTransport(url: string, timeoutMs: number): MailTransport {
  // nodemailer drops every other option when given a `url`: the URL is read here so the timeouts hold.
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return nodemailer.createTransport({
    host: u.hostname.replace(/^\[|\]$/g, ''),
    ...(u.port ? { port: Number(u.port) } : {}),
    secure,
    ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  }) as unknown as MailTransport;
}

/** True for an SMTP refusal that will not change on retry (5xx reply): the message goes dead at once. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown })?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

function describe(error: unknown): string {
  const e = error as { responseCode?: number; code?: string; message?: string };
  const parts = [e?.responseCode ? `SMTP ${e.responseCode}` : null, e?.code ?? null, e?.message ?? String(error)];
  return parts
    .filter(Boolean)
    .join(' — ')
    .replace(/[\r\n]+/g, ' ')
    .slice(0, 500);
}

/** The stable Message-ID of an outbox row: a receiver that sees it twice can tell. */
export function messageIdOf(outboxId: number, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'rempart.invalid';
  return `<outbox-${outboxId}@${domain}>`;
}

/**
 * Delivers the due messages of the outbox. Each message is first claimed by one conditional UPDATE (status
 * `pending` → `sending`), so two senders never send the same message; after the SMTP server accepts it, it is
 * `sent`. A failure puts it back to `pending` with an exponential delay, or `dead` after `maxAttempts` failures or
 * a permanent (5xx) refusal. A message left `sending` past its claim (the process stopped mid-send) may or may
 * not have gone out: it is marked `dead` rather than risk sending it twice.
 */
export async function deliverOutbox(
  db: Kysely<Database>,
  transport: MailTransport,
  options: SenderOptions,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retried: 0, dead: 0, interrupted: 0 };
  const nowIso = () => options.now().toISOString();
  const stale = await db
    .updateTable('outbox')
    .set({
      status: 'dead',
      claimed_until: null,
      last_error: 'envoi interrompu (arrêt pendant l’envoi) : non renvoyé pour ne pas l’envoyer deux fois',
    })
    .where('status', '=', 'sending')
    .where('claimed_until', '<', nowIso())
    .executeTakeFirst();
  report.interrupted = Number(stale.numUpdatedRows);

  const due = await db
    .selectFrom('outbox')
    .select(['id', 'recipient', 'subject', 'body', 'attempts'])
    .where('status', '=', 'pending')
    .where('sent_at', 'is', null)
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', nowIso())]))
    .orderBy('id')
    .limit(options.batch)
    .execute();

  for (const message of due) {
    const claimedUntil = new Date(options.now().getTime() + options.claimMs).toISOString();
    const claim = await db
      .updateTable('outbox')
      .set({ status: 'sending', claimed_until: claimedUntil })
      .where('id', '=', message.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(claim.numUpdatedRows) !== 1) continue; // another sender took it
    const attempts = message.attempts + 1;
    try {
      await transport.sendMail({
        from: options.from,
        to: message.recipient,
        subject: message.subject,
        text: message.body,
        messageId: messageIdOf(message.id, options.from),
      });
      await db
        .updateTable('outbox')
        .set({ status: 'sent', sent_at: nowIso(), attempts, claimed_until: null, last_error: null })
        .where('id', '=', message.id)
        .execute();
      report.sent++;
    } catch (error) {
      const dead = isPermanent(error) || attempts >= options.maxAttempts;
      const delay = Math.min(options.retryBaseMs * 2 ** (attempts - 1), MAX_BACKOFF_MS);
      await db
        .updateTable('outbox')
        .set({
          status: dead ? 'dead' : 'pending',
          attempts,
          claimed_until: null,
          next_attempt_at: dead ? null : new Date(options.now().getTime() + delay).toISOString(),
          last_error: describe(error),
        })
        .where('id', '=', message.id)
        .execute();
      if (dead) report.dead++;
      else report.retried++;
    }
  }
  return report;
}
