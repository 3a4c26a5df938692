import { parseArgs } from 'node:util';
import {
  buildApp,
  DEMO_PASSWORD,
  ensureNation,
  loadConfig,
  migrateToLatest,
  openDatabase,
  ROLE_LABELS,
  seedDemo,
  startMailJobs,
} from '@rempart/server';
import type { Command } from '../command.js';

export const serve: Command = {
  name: 'serve',
  help: `Usage: rempart serve [--demo]

Starts the platform on HOST:PORT (default 0.0.0.0:3000) with the database of DATABASE_URL, or the embedded
SQLite file REMPART_DATA_DIR/rempart.sqlite (default ./data). Migrations run first.

Options:
  --demo   seed the demo organisation tree and one account per role when the database has no account

Environment: PORT, HOST, DATABASE_URL, REMPART_DATA_DIR, PUBLIC_URL, TRUST_PROXY, SESSION_TTL_HOURS, LOG_LEVEL,
LOGIN_MAX_FAILURES, LOGIN_LOCK_MINUTES, AUTH_RATE_PER_MINUTE, OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_LABEL,
SMTP_URL (mail delivery; unset: mail stays in the outbox), MAIL_FROM, MAIL_MAX_ATTEMPTS, MAIL_RETRY_SECONDS,
SMTP_TIMEOUT_SECONDS, REMINDER_DAYS (campaign reminders, default 14,3)`,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { demo: { type: 'boolean', default: false } }, strict: true });
    const config = loadConfig();
    const handle = openDatabase(config.database);
    await migrateToLatest(handle);
    await ensureNation(handle.db);
    const seeded = values.demo ? await seedDemo(handle.db) : null;
    const app = await buildApp({ config, db: handle.db, dialect: handle.dialect });
    const mailJobs = startMailJobs(app);
    const close = async () => {
      mailJobs.stop();
      await app.close();
      await handle.close();
      process.exit(0);
    };
    process.once('SIGINT', close);
    process.once('SIGTERM', close);
    await app.listen({ port: config.port, host: config.host });
    const lines = [
      '',
      `Rempart est démarré : ${config.publicUrl}`,
      `Base de données : ${config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL'}`,
    ];
    if (seeded) {
      lines.push('', `Comptes de démonstration (mot de passe : ${DEMO_PASSWORD}) :`);
      for (const a of seeded) lines.push(`  ${a.email.padEnd(28)} ${ROLE_LABELS[a.role].padEnd(34)} ${a.organisation}`);
    } else if (values.demo) {
      lines.push('', `Démonstration déjà en place : comptes *@rempart.demo, mot de passe ${DEMO_PASSWORD}`);
    }
    process.stdout.write(`${lines.join('\n')}\n\n`);
    return new Promise<number>(() => {});
  },
};
