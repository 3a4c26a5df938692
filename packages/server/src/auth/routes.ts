import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access } from '../access/plugin.js';
import { ROLE_LABELS } from '../access/roles.js';
import { appendAudit } from '../audit/trail.js';
import { actorOf } from '../http/context.js';
import { AppError, badRequest } from '../http/errors.js';
import { isoIn, nowIso } from '../http/time.js';
import { authorizationUrl, completeLogin } from './oidc.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { newSecret, sha256 } from './secrets.js';
import { closeAllSessions, closeSession, openSession } from './sessions.js';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp.js';

const Email = z
  .email({ message: 'adresse électronique invalide' })
  .max(254)
  .transform((e) => e.toLowerCase());
const Password = z.string().min(1).max(256);
const Ok = z.object({ ok: z.literal(true) });
const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const RESET_TTL_MS = 30 * 60_000;
const RECOVERY_CODES = 10;

function newRecoveryCode(): string {
  const raw = newSecret(10).replace(/[-_]/g, 'x').slice(0, 12).toLowerCase();
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;
}

/** Sign-in: password, TOTP second factor with recovery codes, lockout, reset by one-time token, OIDC. */
export const authRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db, config } = app;
  // Per-IP limit on the unauthenticated steps (in-process: each server counts its own).
  const authRate = { max: config.login.ratePerMinute, timeWindow: '1 minute' };

  app.get(
    '/auth/config',
    {
      config: { access: access.public() },
      schema: { tags: ['auth'], response: { 200: z.object({ oidc: z.object({ label: z.string() }).nullable() }) } },
    },
    async () => ({ oidc: config.oidc ? { label: config.oidc.label } : null }),
  );

  app.post(
    '/auth/login',
    {
      config: {
        access: access.public(),
        rateLimit: authRate,
      },
      schema: {
        tags: ['auth'],
        body: z.strictObject({ email: Email, password: Password }),
        response: {
          200: z.object({ status: z.enum(['signed_in', 'mfa_required']), csrfToken: z.string() }),
          401: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const user = await db.selectFrom('app_user').selectAll().where('email', '=', email).executeTakeFirst();
      if (user?.locked_until && user.locked_until > nowIso()) {
        throw new AppError('account_locked', 'compte temporairement verrouillé après trop d’échecs', 429);
      }
      const valid = await verifyPassword(user?.password_hash ?? null, password);
      if (!user || !valid || user.disabled === 1) {
        if (user) {
          const failures = user.failed_logins + 1;
          const locked = failures >= config.login.maxFailures;
          await db.transaction().execute(async (trx) => {
            await trx
              .updateTable('app_user')
              .set({ failed_logins: locked ? 0 : failures, locked_until: locked ? isoIn(config.login.lockMs) : null })
              .where('id', '=', user.id)
              .execute();
            if (locked) {
              await appendAudit(trx, {
                ...actorOf(request),
                action: 'account.locked',
                objectType: 'user',
                objectId: user.id,
                summary: { failures },
              });
            }
          });
        }
        throw new AppError('invalid_credentials', 'identifiants invalides', 401);
      }
      await db
        .updateTable('app_user')
        .set({ failed_logins: 0, locked_until: null })
        .where('id', '=', user.id)
        .execute();
      const mfa = user.totp_enabled === 1;
      const { csrfToken } = await openSession(db, config, reply, request, user.id, mfa);
      return { status: mfa ? ('mfa_required' as const) : ('signed_in' as const), csrfToken };
    },
  );

  app.post(
    '/auth/totp/verify',
    {
      config: { access: access.pendingMfa(), rateLimit: authRate },
      schema: {
        tags: ['auth'],
        body: z.strictObject({ code: z.string().min(1).max(20) }),
        response: { 200: z.object({ status: z.literal('signed_in'), csrfToken: z.string() }), 401: ErrorBody },
      },
    },
    async (request, reply) => {
      const session = request.session;
      if (!session?.mfaPending) throw badRequest('mfa_not_pending', 'aucune vérification en attente');
      const user = await db
        .selectFrom('app_user')
        .selectAll()
        .where('id', '=', session.userId)
        .executeTakeFirstOrThrow();
      const code = request.body.code.trim();
      let accepted = false;
      if (/^\d{6}$/.test(code) && user.totp_secret) {
        const step = verifyTotp(user.totp_secret, code, user.totp_last_step);
        if (step !== null) {
          await db.updateTable('app_user').set({ totp_last_step: step }).where('id', '=', user.id).execute();
          accepted = true;
        }
      } else {
        const used = await db
          .updateTable('recovery_code')
          .set({ used_at: nowIso() })
          .where('user_id', '=', user.id)
          .where('code_hash', '=', sha256(code.toLowerCase()))
          .where('used_at', 'is', null)
          .executeTakeFirst();
        accepted = Number(used.numUpdatedRows) === 1;
      }
      if (!accepted) throw new AppError('invalid_code', 'code invalide', 401);
      const { csrfToken } = await openSession(db, config, reply, request, user.id, false);
      return { status: 'signed_in' as const, csrfToken };
    },
  );

  app.post(
    '/auth/logout',
    { config: { access: access.pendingMfa() }, schema: { tags: ['auth'], response: { 200: Ok } } },
    async (request, reply) => {
      await closeSession(db, reply, request);
      return { ok: true as const };
    },
  );

  app.get(
    '/auth/me',
    {
      config: { access: access.signedIn() },
      schema: {
        tags: ['auth'],
        response: {
          200: z.object({
            id: z.number(),
            email: z.string(),
            displayName: z.string(),
            totpEnabled: z.boolean(),
            csrfToken: z.string().nullable(),
            grants: z.array(
              z.object({
                role: z.string(),
                roleLabel: z.string(),
                organisationId: z.number(),
                organisationName: z.string(),
                organisationKind: z.string(),
                detailedFindings: z.boolean(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const principal = request.principal!;
      const user = await db
        .selectFrom('app_user')
        .select(['id', 'email', 'display_name', 'totp_enabled'])
        .where('id', '=', principal.userId)
        .executeTakeFirstOrThrow();
      const names = await db
        .selectFrom('organisation')
        .select(['id', 'name'])
        .where('id', 'in', [0, ...principal.grants.map((g) => g.organisationId)])
        .execute();
      return {
        id: user.id,
        email: user.email,
        displayName: user.display_name,
        totpEnabled: user.totp_enabled === 1,
        csrfToken: request.session?.csrfToken ?? null,
        grants: principal.grants.map((g) => ({
          role: g.role,
          roleLabel: ROLE_LABELS[g.role],
          organisationId: g.organisationId,
          organisationName: names.find((n) => n.id === g.organisationId)?.name ?? '',
          organisationKind: g.organisationKind,
          detailedFindings: g.detailedFindings,
        })),
      };
    },
  );

  app.post(
    '/auth/totp/setup',
    {
      config: { access: access.signedIn() },
      schema: { tags: ['auth'], response: { 200: z.object({ secret: z.string(), otpauthUri: z.string() }) } },
    },
    async (request) => {
      const principal = request.principal!;
      if (principal.via !== 'session') throw badRequest('session_required', 'action réservée à une session');
      const user = await db
        .selectFrom('app_user')
        .selectAll()
        .where('id', '=', principal.userId)
        .executeTakeFirstOrThrow();
      if (user.totp_enabled === 1)
        throw badRequest('totp_already_enabled', 'la double authentification est déjà active');
      const secret = newTotpSecret();
      await db
        .updateTable('app_user')
        .set({ totp_secret: secret, updated_at: nowIso() })
        .where('id', '=', user.id)
        .execute();
      return { secret, otpauthUri: otpauthUri(secret, user.email) };
    },
  );

  app.post(
    '/auth/totp/enable',
    {
      config: { access: access.signedIn() },
      schema: {
        tags: ['auth'],
        body: z.strictObject({ code: z.string().regex(/^\d{6}$/, 'code à 6 chiffres attendu') }),
        response: { 200: z.object({ recoveryCodes: z.array(z.string()) }) },
      },
    },
    async (request) => {
      const principal = request.principal!;
      if (principal.via !== 'session') throw badRequest('session_required', 'action réservée à une session');
      const user = await db
        .selectFrom('app_user')
        .selectAll()
        .where('id', '=', principal.userId)
        .executeTakeFirstOrThrow();
      if (!user.totp_secret || user.totp_enabled === 1)
        throw badRequest('totp_not_pending', 'lancez d’abord la configuration');
      const step = verifyTotp(user.totp_secret, request.body.code, user.totp_last_step);
      if (step === null) throw new AppError('invalid_code', 'code invalide', 400);
      const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('app_user')
          .set({ totp_enabled: 1, totp_last_step: step, updated_at: nowIso() })
          .where('id', '=', user.id)
          .execute();
        await trx.deleteFrom('recovery_code').where('user_id', '=', user.id).execute();
        await trx
          .insertInto('recovery_code')
          .values(codes.map((c) => ({ user_id: user.id, code_hash: sha256(c), used_at: null })))
          .execute();
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'totp.enabled',
          objectType: 'user',
          objectId: user.id,
          summary: {},
        });
      });
      return { recoveryCodes: codes };
    },
  );

  app.post(
    '/auth/totp/disable',
    {
      config: { access: access.signedIn() },
      schema: { tags: ['auth'], body: z.strictObject({ password: Password }), response: { 200: Ok } },
    },
    async (request) => {
      const principal = request.principal!;
      const user = await db
        .selectFrom('app_user')
        .selectAll()
        .where('id', '=', principal.userId)
        .executeTakeFirstOrThrow();
      if (!(await verifyPassword(user.password_hash, request.body.password))) {
        throw new AppError('invalid_credentials', 'mot de passe invalide', 400);
      }
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('app_user')
          .set({ totp_enabled: 0, totp_secret: null, updated_at: nowIso() })
          .where('id', '=', user.id)
          .execute();
        await trx.deleteFrom('recovery_code').where('user_id', '=', user.id).execute();
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'totp.disabled',
          objectType: 'user',
          objectId: user.id,
          summary: {},
        });
      });
      return { ok: true as const };
    },
  );

  app.post(
    '/auth/password',
    {
      config: { access: access.signedIn() },
      schema: {
        tags: ['auth'],
        body: z.strictObject({ currentPassword: Password, newPassword: Password }),
        response: { 200: Ok },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const user = await db
        .selectFrom('app_user')
        .selectAll()
        .where('id', '=', principal.userId)
        .executeTakeFirstOrThrow();
      if (!(await verifyPassword(user.password_hash, request.body.currentPassword))) {
        throw new AppError('invalid_credentials', 'mot de passe actuel invalide', 400);
      }
      const problem = passwordProblem(request.body.newPassword);
      if (problem) throw badRequest('weak_password', problem);
      const hash = await hashPassword(request.body.newPassword);
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('app_user')
          .set({ password_hash: hash, updated_at: nowIso() })
          .where('id', '=', user.id)
          .execute();
        await appendAudit(trx, {
          ...actorOf(request),
          action: 'password.changed',
          objectType: 'user',
          objectId: user.id,
          summary: {},
        });
      });
      await closeAllSessions(db, user.id);
      await openSession(db, config, reply, request, user.id, false);
      return { ok: true as const };
    },
  );

  app.post(
    '/auth/password-reset',
    {
      config: { access: access.public(), rateLimit: authRate },
      schema: { tags: ['auth'], body: z.strictObject({ email: Email }), response: { 202: Ok } },
    },
    async (request, reply) => {
      const user = await db
        .selectFrom('app_user')
        .select(['id', 'email', 'disabled'])
        .where('email', '=', request.body.email)
        .executeTakeFirst();
      // Same answer whether or not the account exists.
      if (user && user.disabled === 0) {
        const token = newSecret();
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('one_time_token')
            .values({
              token_hash: sha256(token),
              purpose: 'password_reset',
              user_id: user.id,
              expires_at: isoIn(RESET_TTL_MS),
              used_at: null,
              created_at: nowIso(),
            })
            .execute();
          await trx
            .insertInto('outbox')
            .values({
              kind: 'password_reset',
              recipient: user.email,
              subject: 'Rempart : réinitialisation de votre mot de passe',
              body: `Pour choisir un nouveau mot de passe, ouvrez ce lien dans les 30 minutes :\n${config.publicUrl}/reinitialisation?jeton=${token}\n`,
              created_at: nowIso(),
              sent_at: null,
            })
            .execute();
        });
      }
      return reply.status(202).send({ ok: true as const });
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      config: { access: access.public(), rateLimit: authRate },
      schema: {
        tags: ['auth'],
        body: z.strictObject({ token: z.string().min(20).max(200), password: Password }),
        response: { 200: Ok, 400: ErrorBody },
      },
    },
    async (request) => {
      const problem = passwordProblem(request.body.password);
      if (problem) throw badRequest('weak_password', problem);
      const hash = await hashPassword(request.body.password);
      const userId = await db.transaction().execute(async (trx) => {
        const claimed = await trx
          .updateTable('one_time_token')
          .set({ used_at: nowIso() })
          .where('token_hash', '=', sha256(request.body.token))
          .where('purpose', '=', 'password_reset')
          .where('used_at', 'is', null)
          .where('expires_at', '>', nowIso())
          .returning('user_id')
          .executeTakeFirst();
        if (!claimed) throw new AppError('invalid_token', 'lien de réinitialisation invalide ou expiré', 400);
        await trx
          .updateTable('app_user')
          .set({ password_hash: hash, failed_logins: 0, locked_until: null, updated_at: nowIso() })
          .where('id', '=', claimed.user_id)
          .execute();
        await appendAudit(trx, {
          actorUserId: claimed.user_id,
          actor: 'réinitialisation par lien',
          ip: request.ip,
          action: 'password.reset',
          objectType: 'user',
          objectId: claimed.user_id,
          summary: {},
        });
        return claimed.user_id;
      });
      await closeAllSessions(db, userId);
      return { ok: true as const };
    },
  );

  app.get(
    '/auth/oidc/login',
    { config: { access: access.public() }, schema: { tags: ['auth'], hide: false } },
    async (_request, reply) => {
      if (!config.oidc) throw new AppError('oidc_disabled', 'connexion fédérée non configurée', 404);
      const started = await authorizationUrl(config.oidc, `${config.publicUrl}/api/auth/oidc/callback`);
      await db
        .deleteFrom('oidc_login')
        .where('created_at', '<', new Date(Date.now() - 10 * 60_000).toISOString())
        .execute();
      await db
        .insertInto('oidc_login')
        .values({
          state: started.state,
          nonce: started.nonce,
          code_verifier: started.codeVerifier,
          created_at: nowIso(),
        })
        .execute();
      return reply.redirect(started.url);
    },
  );

  app.get(
    '/auth/oidc/callback',
    {
      config: { access: access.public() },
      schema: { tags: ['auth'], querystring: z.object({ state: z.string().max(200).optional() }).passthrough() },
    },
    async (request, reply) => {
      if (!config.oidc) throw new AppError('oidc_disabled', 'connexion fédérée non configurée', 404);
      const state = request.query.state;
      if (!state) throw badRequest('oidc_failed', 'réponse du fournisseur d’identité sans état');
      const pending = await db.deleteFrom('oidc_login').where('state', '=', state).returningAll().executeTakeFirst();
      if (!pending) throw badRequest('oidc_failed', 'connexion fédérée expirée ou inconnue');
      let identity: Awaited<ReturnType<typeof completeLogin>>;
      try {
        identity = await completeLogin(config.oidc, new URL(request.url, config.publicUrl), {
          state,
          nonce: pending.nonce,
          codeVerifier: pending.code_verifier,
        });
      } catch (error) {
        request.log.warn({ reason: error instanceof Error ? error.message : 'unknown' }, 'oidc login failed');
        throw new AppError('oidc_failed', 'la connexion fédérée a échoué', 401);
      }
      let user = await db
        .selectFrom('app_user')
        .selectAll()
        .where('oidc_issuer', '=', identity.issuer)
        .where('oidc_subject', '=', identity.subject)
        .executeTakeFirst();
      if (!user && identity.email && identity.emailVerified) {
        // First federated sign-in of a provisioned account: link it by its verified address.
        const byEmail = await db
          .selectFrom('app_user')
          .selectAll()
          .where('email', '=', identity.email)
          .where('oidc_subject', 'is', null)
          .executeTakeFirst();
        if (byEmail) {
          await db
            .updateTable('app_user')
            .set({ oidc_issuer: identity.issuer, oidc_subject: identity.subject, updated_at: nowIso() })
            .where('id', '=', byEmail.id)
            .execute();
          user = byEmail;
        }
      }
      if (!user || user.disabled === 1) {
        return reply.redirect('/connexion?erreur=compte-inconnu');
      }
      await openSession(db, config, reply, request, user.id, false);
      await appendAudit(db, {
        actorUserId: user.id,
        actor: user.email,
        ip: request.ip,
        action: 'login.oidc',
        objectType: 'user',
        objectId: user.id,
        summary: { issuer: identity.issuer },
      });
      return reply.redirect('/');
    },
  );
};
