import type { RouteCase } from './types.js';

const base = (orgId: number) => `/api/organisations/${orgId}/continuity`;
const activity = {
  name: 'Urgences',
  kind: 'care_service',
  owner: 'Chef de service',
  priority: 1,
  mtdHours: 8,
  rtoHours: 4,
  rpoHours: 1,
};

const collections: RouteCase[] = ['datasets', 'exercises', 'documents'].flatMap((path): RouteCase[] => [
  {
    method: 'GET',
    url: `/api/organisations/:id/continuity/${path}`,
    request: (c) => ({ url: `${base(c.orgId)}/${path}` }),
  },
  {
    method: 'PUT',
    url: `/api/organisations/:id/continuity/${path}/:key`,
    // An empty body is refused by the schema (400) once access is granted.
    request: (c) => ({ url: `${base(c.orgId)}/${path}/K${c.unique}`, body: {} }),
  },
  {
    method: 'DELETE',
    url: `/api/organisations/:id/continuity/${path}/:key`,
    request: (c) => ({ url: `${base(c.orgId)}/${path}/K${c.unique}` }),
  },
]);

const singletons: RouteCase[] = ['backup-infrastructure', 'contacts', 'entities'].flatMap((path): RouteCase[] => [
  {
    method: 'GET',
    url: `/api/organisations/:id/continuity/${path}`,
    request: (c) => ({ url: `${base(c.orgId)}/${path}` }),
  },
  {
    method: 'PUT',
    url: `/api/organisations/:id/continuity/${path}`,
    request: (c) => ({ url: `${base(c.orgId)}/${path}`, body: path === 'entities' ? [] : {} }),
  },
]);

export const cases: RouteCase[] = [
  {
    method: 'GET',
    url: '/api/organisations/:id/continuity/graph',
    request: (c) => ({ url: `${base(c.orgId)}/graph` }),
  },
  {
    method: 'PUT',
    url: '/api/organisations/:id/continuity/graph',
    request: (c) => ({ url: `${base(c.orgId)}/graph`, body: { activities: [], components: [], dependencies: [] } }),
  },
  {
    method: 'PUT',
    url: '/api/organisations/:id/continuity/activities/:key',
    request: (c) => ({ url: `${base(c.orgId)}/activities/A${c.unique}`, body: activity }),
  },
  {
    method: 'DELETE',
    url: '/api/organisations/:id/continuity/activities/:key',
    request: (c) => ({ url: `${base(c.orgId)}/activities/A${c.unique}` }),
  },
  {
    method: 'PUT',
    url: '/api/organisations/:id/continuity/components/:key',
    request: (c) => ({
      url: `${base(c.orgId)}/components/C${c.unique}`,
      body: { name: 'AD', kind: 'active_directory', priority: 1, restoreHours: 4 },
    }),
  },
  {
    method: 'DELETE',
    url: '/api/organisations/:id/continuity/components/:key',
    request: (c) => ({ url: `${base(c.orgId)}/components/C${c.unique}` }),
  },
  {
    method: 'POST',
    url: '/api/organisations/:id/continuity/dependencies',
    request: (c) => ({ url: `${base(c.orgId)}/dependencies`, body: { from: `X${c.unique}`, to: `Y${c.unique}` } }),
  },
  {
    method: 'DELETE',
    url: '/api/organisations/:id/continuity/dependencies',
    request: (c) => ({ url: `${base(c.orgId)}/dependencies?from=X${c.unique}&to=Y${c.unique}` }),
  },
  {
    method: 'POST',
    url: '/api/organisations/:id/continuity/import',
    request: (c) => ({
      url: `${base(c.orgId)}/import`,
      body: { format: 'json', document: '{"activities":[],"components":[],"dependencies":[]}' },
    }),
  },
  {
    method: 'GET',
    url: '/api/organisations/:id/continuity/export',
    request: (c) => ({ url: `${base(c.orgId)}/export` }),
  },
  { method: 'GET', url: '/api/organisations/:id/continuity/plan', request: (c) => ({ url: `${base(c.orgId)}/plan` }) },
  {
    method: 'POST',
    url: '/api/organisations/:id/continuity/what-if',
    request: (c) => ({ url: `${base(c.orgId)}/what-if`, body: { lost: ['AD'] } }),
  },
  ...collections,
  ...singletons,
  {
    method: 'GET',
    url: '/api/organisations/:id/continuity/indicators',
    request: (c) => ({ url: `${base(c.orgId)}/indicators` }),
  },
  {
    method: 'GET',
    url: '/api/organisations/:id/continuity/binder.pdf',
    request: (c) => ({ url: `${base(c.orgId)}/binder.pdf` }),
  },
];
