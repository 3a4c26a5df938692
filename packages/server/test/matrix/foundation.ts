import { nowIso } from '../../src/http/time.js';
import { insertUser } from '../../src/users/queries.js';
import type { RouteCase } from './types.js';

const csv = (ctx: { unique: string }) => `finess;etalab;100;2026-01-01\n# ${ctx.unique}\n`;

export const cases: RouteCase[] = [
  { method: 'GET', url: '/api/auth/config', request: () => ({ url: '/api/auth/config' }) },
  { method: 'POST', url: '/api/auth/login', request: () => ({ url: '/api/auth/login', body: {} }) },
  { method: 'POST', url: '/api/auth/totp/verify', request: () => ({ url: '/api/auth/totp/verify', body: {} }) },
  { method: 'POST', url: '/api/auth/logout', request: () => ({ url: '/api/auth/logout', body: {} }), signsOut: true },
  { method: 'GET', url: '/api/auth/me', request: () => ({ url: '/api/auth/me' }) },
  { method: 'POST', url: '/api/auth/totp/setup', request: () => ({ url: '/api/auth/totp/setup', body: {} }) },
  { method: 'POST', url: '/api/auth/totp/enable', request: () => ({ url: '/api/auth/totp/enable', body: {} }) },
  { method: 'POST', url: '/api/auth/totp/disable', request: () => ({ url: '/api/auth/totp/disable', body: {} }) },
  { method: 'POST', url: '/api/auth/password', request: () => ({ url: '/api/auth/password', body: {} }) },
  { method: 'POST', url: '/api/auth/password-reset', request: () => ({ url: '/api/auth/password-reset', body: {} }) },
  {
    method: 'POST',
    url: '/api/auth/password-reset/confirm',
    request: () => ({ url: '/api/auth/password-reset/confirm', body: {} }),
  },
  { method: 'GET', url: '/api/auth/oidc/login', request: () => ({ url: '/api/auth/oidc/login' }) },
  { method: 'GET', url: '/api/auth/oidc/callback', request: () => ({ url: '/api/auth/oidc/callback' }) },
  { method: 'GET', url: '/api/organisations', request: () => ({ url: '/api/organisations' }) },
  { method: 'GET', url: '/api/organisations/:id', request: (c) => ({ url: `/api/organisations/${c.orgId}` }) },
  {
    method: 'GET',
    url: '/api/organisations/:id/children',
    request: (c) => ({ url: `/api/organisations/${c.orgId}/children` }),
  },
  {
    method: 'GET',
    url: '/api/organisations/:id/subtree',
    request: (c) => ({ url: `/api/organisations/${c.orgId}/subtree?limit=5` }),
  },
  {
    method: 'POST',
    url: '/api/organisations',
    request: (c) => ({
      url: '/api/organisations',
      body: { parentId: c.orgId, kind: 'site', name: `Site ${c.unique}` },
    }),
  },
  {
    method: 'PATCH',
    url: '/api/organisations/:id',
    request: (c) => ({ url: `/api/organisations/${c.orgId}`, body: { name: `Renommé ${c.unique}` } }),
  },
  {
    method: 'POST',
    url: '/api/organisations/:id/finess-import',
    request: (c) => ({ url: `/api/organisations/${c.orgId}/finess-import`, body: csv(c), contentType: 'text/csv' }),
  },
  {
    method: 'GET',
    url: '/api/organisations/:id/users',
    request: (c) => ({ url: `/api/organisations/${c.orgId}/users` }),
  },
  {
    method: 'POST',
    url: '/api/users',
    request: (c) => ({
      url: '/api/users',
      body: { email: `u${c.unique}@matrix.fr`, displayName: 'U', role: 'contributor', organisationId: c.orgId },
    }),
  },
  {
    method: 'POST',
    url: '/api/users/:id/grants',
    request: async (c) => {
      // A fresh account each time, so no caller of the matrix gains a role from it.
      const userId = await insertUser(c.db, {
        email: `grantee${c.unique}@matrix.fr`,
        displayName: 'G',
        passwordHash: null,
      });
      return { url: `/api/users/${userId}/grants`, body: { role: 'auditor', organisationId: c.orgId } };
    },
  },
  {
    method: 'DELETE',
    url: '/api/grants/:id',
    request: async (c) => {
      const userId = await insertUser(c.db, {
        email: `revoked${c.unique}@matrix.fr`,
        displayName: 'R',
        passwordHash: null,
      });
      const grant = await c.db
        .insertInto('role_grant')
        .values({
          user_id: userId,
          role: `matrix_${c.unique}`,
          organisation_id: c.orgId,
          detailed_findings: 0,
          created_at: nowIso(),
          created_by: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { url: `/api/grants/${grant.id}` };
    },
  },
  { method: 'GET', url: '/api/tokens', request: () => ({ url: '/api/tokens' }) },
  {
    method: 'POST',
    url: '/api/tokens',
    request: (c) => ({ url: '/api/tokens', body: { name: `t${c.unique}`, organisationId: c.orgId, role: c.role } }),
  },
  { method: 'DELETE', url: '/api/tokens/:id', request: () => ({ url: '/api/tokens/999999' }) },
  {
    method: 'GET',
    url: '/api/organisations/:id/audit',
    request: (c) => ({ url: `/api/organisations/${c.orgId}/audit?limit=5` }),
  },
  { method: 'GET', url: '/api/audit/verify', request: () => ({ url: '/api/audit/verify' }), fixedTarget: 'nation' },
];
