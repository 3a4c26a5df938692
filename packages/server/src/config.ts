import { resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => ['true', '1', 'yes'].includes(v));

const EnvSchema = z.object({
  PORT: z.coerce.number({ message: 'expected a port number (0: any free port)' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL (leave unset for the embedded SQLite database)')
    .optional(),
  REMPART_DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_URL: z.url({ message: 'expected an absolute URL such as https://rempart.example.fr' }).optional(),
  TRUST_PROXY: bool.default(false),
  SESSION_TTL_HOURS: z.coerce
    .number({ message: 'expected a number of hours' })
    .positive()
    .max(24 * 30)
    .default(12),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCK_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  AUTH_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  OIDC_ISSUER: z.url({ message: 'expected the issuer URL of the OpenID provider' }).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_LABEL: z.string().min(1).default('ProConnect'),
  WEB_DIST: z.string().optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'expected an smtp:// or smtps:// URL, e.g. smtp://user:password@relay.example.fr:587')
    .optional(),
  MAIL_FROM: z.string().min(3).max(320).default('Rempart <ne-pas-repondre@rempart.invalid>'),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  MAIL_RETRY_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  SMTP_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  REMINDER_DAYS: z
    .string()
    .regex(/^\d{1,3}(,\d{1,3}){0,4}$/, 'expected days before the deadline, comma-separated, e.g. 14,3')
    .default('14,3'),
});

export interface Config {
  port: number;
  host: string;
  database: { kind: 'postgres'; url: string } | { kind: 'sqlite'; file: string };
  publicUrl: string;
  secureCookies: boolean;
  trustProxy: boolean;
  sessionTtlMs: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  login: { maxFailures: number; lockMs: number; ratePerMinute: number };
  oidc?: { issuer: string; clientId: string; clientSecret: string; label: string };
  webDist?: string;
  mail: {
    /** Unset: mail stays in the outbox (nothing is sent). */
    smtpUrl?: string;
    from: string;
    maxAttempts: number;
    retryBaseMs: number;
    timeoutMs: number;
    /** Days before a campaign deadline at which a reminder is sent, most distant first (e.g. 14, 3). */
    reminderDays: number[];
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads the configuration from environment variables; every bad value is reported, by name. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked = Object.fromEntries(
    Object.keys(EnvSchema.shape).flatMap((k) => (env[k] === undefined || env[k] === '' ? [] : [[k, env[k]]])),
  );
  const parsed = EnvSchema.safeParse(picked);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const oidcParts = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET];
  if (oidcParts.some(Boolean) && !oidcParts.every(Boolean)) {
    throw new ConfigError(['OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: set all three or none']);
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'sqlite', file: resolve(e.REMPART_DATA_DIR, 'rempart.sqlite') },
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    trustProxy: e.TRUST_PROXY,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    logLevel: e.LOG_LEVEL,
    login: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      lockMs: e.LOGIN_LOCK_MINUTES * 60_000,
      ratePerMinute: e.AUTH_RATE_PER_MINUTE,
    },
    oidc:
      e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
        ? { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET, label: e.OIDC_LABEL }
        : undefined,
    webDist: e.WEB_DIST,
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
      retryBaseMs: e.MAIL_RETRY_SECONDS * 1000,
      timeoutMs: e.SMTP_TIMEOUT_SECONDS * 1000,
      reminderDays: [...new Set(e.REMINDER_DAYS.split(',').map(Number))].sort((a, b) => b - a),
    },
  };
}
