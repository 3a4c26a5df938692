import { describe, expect, it } from 'vitest';
import { score } from '../rules/rules.js';
import { BUNDLE_FORMAT, type ExposureBundle } from './bundle.js';
import { exposureHtml } from './html.js';

describe('French HTML report', () => {
  it('shows the verdict, the points of each finding and escapes hostile banners', () => {
    const findings = [
      {
        ruleId: 'EXP-DICOM',
        host: '192.0.2.1',
        port: 104,
        severity: 'critical' as const,
        points: 40,
        title: 'Service DICOM exposé',
        remediation: 'Fermer',
        evidence: '<script>alert(1)</script>',
      },
    ];
    const bundle: ExposureBundle = {
      format: BUNDLE_FORMAT,
      id: 'a',
      scannedAt: '2026-11-28T10:00:00Z',
      rulesVersion: '2026.11.1',
      kev: { catalogVersion: '2026.11.20', dateReleased: '2026-11-20T15:00:00Z' },
      scope: { establishment: 'CH Exemple', domains: [], ranges: ['192.0.2.0/28'] },
      sources: ['rempart'],
      observations: [],
      findings,
      score: score(findings),
    };
    const html = exposureHtml(bundle);
    expect(html).toContain('Niveau minimum non atteint');
    expect(html).toContain('Score : 40 points');
    expect(html).toContain('catalogue KEV 2026.11.20 du 2026-11-20');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/(src|href)="http/);
  });
});
