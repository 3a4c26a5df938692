export { authorize, type Grant, type Principal, scopesFor } from './access/authorize.js';
export { type Access, access, idFrom } from './access/plugin.js';
export {
  isRole,
  PERMISSIONS,
  type Permission,
  ROLE_LABELS,
  ROLE_PERMISSIONS,
  ROLES,
  type Role,
} from './access/roles.js';
export { buildApp } from './app.js';
export { appendAudit, verifyAuditChain } from './audit/trail.js';
export { hashPassword, passwordProblem } from './auth/passwords.js';
export { newSecret, sha256 } from './auth/secrets.js';
export { totpCode } from './auth/totp.js';
export { type Config, ConfigError, loadConfig } from './config.js';
export { type DatabaseHandle, type DialectName, openDatabase } from './db/connect.js';
export { migrateToLatest } from './db/migrate.js';
export type { Database } from './db/schema.js';
export { DEMO_PASSWORD, ensureNation, seedDemo } from './demo.js';
export { AppError } from './http/errors.js';
export { type MailJobs, startMailJobs } from './mail/jobs.js';
export { enqueueCampaignReminders } from './mail/reminders.js';
export { importFinessExtract, insertNode } from './organisations/queries.js';
export { issueToken } from './tokens/queries.js';
export { createAccount, invitationLink } from './users/queries.js';
