import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { loadSession, type SessionState, sessionPrincipal, tokenPrincipal } from '../auth/principal.js';
import { AppError, forbidden, notFound, unauthenticated } from '../http/errors.js';
import { authorize, type Principal, scopesFor } from './authorize.js';
import type { Permission } from './roles.js';

export const SESSION_COOKIE = 'rempart_session';

/** Resolves the organisation node a request acts on (from a param, the body, or a stored object). */
export type OrgResolver = (request: FastifyRequest) => Promise<number> | number;

/** The access rule every `/api` route declares in `config.access`. */
export type Access =
  | { kind: 'public' }
  | { kind: 'pending_mfa' }
  | { kind: 'signed_in' }
  | { kind: 'org'; permission: Permission; org: OrgResolver }
  | { kind: 'anywhere'; permission: Permission };

export const access = {
  /** No authentication (sign-in, health, OpenAPI). */
  public: (): Access => ({ kind: 'public' }),
  /** A session whose second factor is still to be given (the TOTP step). */
  pendingMfa: (): Access => ({ kind: 'pending_mfa' }),
  /** Any signed-in principal, acting on itself only. */
  signedIn: (): Access => ({ kind: 'signed_in' }),
  /** `permission` on the node `org` resolves to (and so on its subtree). */
  on: (permission: Permission, org: OrgResolver): Access => ({ kind: 'org', permission, org }),
  /** `permission` held somewhere: the handler must restrict what it returns with `scopesFor`. */
  anywhere: (permission: Permission): Access => ({ kind: 'anywhere', permission }),
};

/** Reads a positive integer id from the request's params, query or body, or fails with 400. */
export function idFrom(source: 'params' | 'query' | 'body', name: string): OrgResolver {
  return (request) => {
    const container = request[source] as Record<string, unknown> | undefined;
    const value = container?.[name];
    const id =
      typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(id) || id <= 0) {
      throw new AppError('validation_failed', `${name} : identifiant d'organisation attendu`, 400);
    }
    return id;
  };
}

/**
 * Resolver of `/<things>/:id` routes: the organisation owning row `:id` of `table` (a 404 naming `label` when
 * there is none).
 */
export function ownerOfRow(
  table: 'assessment' | 'campaign' | 'evidence' | 'technical_result',
  label: string,
): OrgResolver {
  return async (request) => {
    const id = idFrom('params', 'id')(request) as number;
    const row = await request.server.db
      .selectFrom(table)
      .select('organisation_id')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(label);
    return row.organisation_id;
  };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every `/api` route with its access rule, for the route × role matrix test. */
    routeRules: Array<{ method: string; url: string; access: Access }>;
  }
  interface FastifyRequest {
    principal: Principal | null;
    session: SessionState | null;
    /** The organisation node resolved by an `access.on` rule, with its path. */
    organisation: { id: number; path: string; kind: string } | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authentication and the one authorisation gate. Every `/api` route must declare `config.access` (a route
 * without it makes the server refuse to start); the decision is taken before the handler runs.
 */
export const accessPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('principal', null);
  app.decorateRequest('session', null);
  app.decorateRequest('organisation', null);

  app.decorate('routeRules', []);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.url === '/api/openapi.json') return;
    const rule = route.config?.access;
    if (!rule) throw new Error(`route ${route.method} ${route.url} declares no access rule (config.access)`);
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') app.routeRules.push({ method, url: route.url, access: rule });
    }
  });

  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      request.principal = await tokenPrincipal(app.db, header.slice(7).trim());
      if (!request.principal) throw new AppError('invalid_token', 'jeton invalide, expiré ou révoqué', 401);
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie) return;
    const loaded = await loadSession(app.db, cookie);
    if (!loaded) return;
    request.session = loaded.session;
    if (!loaded.session.mfaPending) request.principal = await sessionPrincipal(app.db, loaded.session, loaded.label);
  });

  app.addHook('preValidation', async (request) => {
    const rule = request.routeOptions.config?.access;
    if (!rule) return; // static files and the OpenAPI document
    if (rule.kind === 'public') return;
    if (request.session && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || sent !== request.session.csrfToken) {
        throw new AppError('csrf_failed', 'jeton CSRF absent ou invalide', 403);
      }
    }
    if (rule.kind === 'pending_mfa') {
      if (!request.session) throw unauthenticated();
      return;
    }
    const principal = request.principal;
    if (!principal) throw unauthenticated();
    if (rule.kind === 'signed_in') return;
    if (rule.kind === 'anywhere') {
      if (scopesFor(principal, rule.permission).length === 0) throw forbidden();
      return;
    }
    const id = await rule.org(request);
    const node = await app.db
      .selectFrom('organisation')
      .select(['id', 'path', 'kind'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!node) throw notFound('organisation');
    if (!authorize(principal, rule.permission, node)) throw forbidden();
    request.organisation = node;
  });
});
