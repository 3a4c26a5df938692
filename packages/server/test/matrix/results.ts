import { nowIso } from '../../src/http/time.js';
import type { RouteCase } from './types.js';

export const detectBundle = (alerts = 1) => ({
  format: 'rempart.detect/1',
  generatedAt: '2026-11-20T10:00:00.000Z',
  rulesetVersion: 'sigma-corpus@test',
  rules: 10,
  files: 1,
  events: 100,
  truncated: false,
  alerts: Array.from({ length: alerts }, (_, i) => ({
    timestamp: '2026-11-20T09:59:00.000Z',
    computer: `PC-${i}.chu.local`,
    channel: 'Security',
    eventId: 4688,
    level: i === 0 ? 'critical' : 'high',
    ruleId: 'r-1',
    ruleTitle: 'Mimikatz',
    details: 'CommandLine: mimikatz.exe',
  })),
});

export const cases: RouteCase[] = [
  {
    method: 'POST',
    url: '/api/organisations/:id/results/:engine',
    request: (c) => ({ url: `/api/organisations/${c.orgId}/results/detect`, body: detectBundle() }),
  },
  {
    method: 'GET',
    url: '/api/organisations/:id/results',
    request: (c) => ({ url: `/api/organisations/${c.orgId}/results` }),
  },
  {
    method: 'GET',
    url: '/api/results/:id',
    request: async (c) => {
      const row = await c.db
        .insertInto('technical_result')
        .values({
          organisation_id: c.orgId,
          engine: 'detect',
          ruleset_version: 'x',
          generated_at: nowIso(),
          received_at: nowIso(),
          headline: 'x',
          summary: '{}',
          bundle: '{}',
          bundle_sha256: 'x',
          pushed_by: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { url: `/api/results/${row.id}` };
    },
  },
  {
    method: 'GET',
    url: '/api/organisations/:id/indicator-readings',
    request: (c) => ({ url: `/api/organisations/${c.orgId}/indicator-readings` }),
  },
  {
    method: 'GET',
    url: '/api/organisations/:id/indicators',
    request: (c) => ({ url: `/api/organisations/${c.orgId}/indicators` }),
  },
];
