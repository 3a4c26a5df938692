import type { RouteCase } from './types.js';

export const cases: RouteCase[] = [
  {
    method: 'GET',
    url: '/api/organisations/:id/reminders',
    request: (c) => ({ url: `/api/organisations/${c.orgId}/reminders` }),
  },
];
