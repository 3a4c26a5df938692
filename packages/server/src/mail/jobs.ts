import type { FastifyInstance } from 'fastify';
import { enqueueCampaignReminders } from './reminders.js';
import { deliverOutbox, smtpTransport } from './sender.js';

export interface MailJobs {
  stop(): void;
}

const DELIVERY_EVERY_MS = 30_000;
const REMINDERS_EVERY_MS = 3_600_000;

/**
 * Background mail work of a server process: the campaign reminders (checked hourly, enqueued at most once a day
 * per assessment whatever the number of processes) and, when SMTP_URL is set, the outbox delivery every 30 s.
 * Every state lives in the database, so several processes may run these jobs side by side.
 */
export function startMailJobs(app: FastifyInstance): MailJobs {
  const { db, config, log } = app;
  const mail = config.mail;
  let running = false;
  const transport = mail.smtpUrl ? smtpTransport(mail.smtpUrl, mail.timeoutMs) : null;
  if (!transport) log.warn('SMTP_URL is not set: mail (reminders, password resets) stays in the outbox');

  const tick = async (withReminders: boolean) => {
    if (running) return;
    running = true;
    try {
      if (withReminders) {
        const now = new Date();
        const run = await enqueueCampaignReminders(db, {
          today: now.toISOString().slice(0, 10),
          days: mail.reminderDays,
          publicUrl: config.publicUrl,
          at: now.toISOString(),
        });
        if (run.enqueued > 0) log.info(run, 'campaign reminders enqueued');
      }
      if (transport) {
        const report = await deliverOutbox(db, transport, {
          from: mail.from,
          maxAttempts: mail.maxAttempts,
          retryBaseMs: mail.retryBaseMs,
          claimMs: mail.timeoutMs * 4,
          batch: 50,
          now: () => new Date(),
        });
        if (report.sent + report.retried + report.dead + report.interrupted > 0) log.info(report, 'outbox delivery');
      }
    } catch (error) {
      log.error({ err: error }, 'mail job failed');
    } finally {
      running = false;
    }
  };

  void tick(true);
  const delivery = setInterval(() => void tick(false), DELIVERY_EVERY_MS);
  const reminders = setInterval(() => void tick(true), REMINDERS_EVERY_MS);
  delivery.unref();
  reminders.unref();
  return {
    stop() {
      clearInterval(delivery);
      clearInterval(reminders);
      transport?.close?.();
    },
  };
}
