import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { SESSION_COOKIE } from '../access/plugin.js';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { isoIn, nowIso } from '../http/time.js';
import { newSecret, sha256 } from './secrets.js';

/** Opens a server-side session and sets its cookie; the database keeps only the cookie's hash. */
export async function openSession(
  db: Kysely<Database>,
  config: Config,
  reply: FastifyReply,
  request: FastifyRequest,
  userId: number,
  mfaPending: boolean,
): Promise<{ csrfToken: string }> {
  const value = newSecret();
  const csrfToken = newSecret(24);
  // Pending-MFA sessions live five minutes: long enough to type a code.
  const ttl = mfaPending ? 5 * 60_000 : config.sessionTtlMs;
  await db
    .insertInto('session')
    .values({
      id_hash: sha256(value),
      user_id: userId,
      csrf_token: csrfToken,
      mfa_pending: mfaPending ? 1 : 0,
      created_at: nowIso(),
      expires_at: isoIn(ttl),
      ip: request.ip,
    })
    .execute();
  // Drop the session this browser had before (fixation).
  const previous = request.cookies[SESSION_COOKIE];
  if (previous) await db.deleteFrom('session').where('id_hash', '=', sha256(previous)).execute();
  reply.setCookie(SESSION_COOKIE, value, {
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: 'lax',
    path: '/',
    maxAge: Math.floor(ttl / 1000),
  });
  return { csrfToken };
}

export async function closeSession(db: Kysely<Database>, reply: FastifyReply, request: FastifyRequest) {
  if (request.session) await db.deleteFrom('session').where('id_hash', '=', request.session.idHash).execute();
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** Ends every session of an account (password change or reset, account disabled). */
export async function closeAllSessions(db: Kysely<Database>, userId: number) {
  await db.deleteFrom('session').where('user_id', '=', userId).execute();
}
