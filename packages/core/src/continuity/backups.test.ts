import { describe, expect, it } from 'vitest';
import {
  backupInfrastructureSchema,
  checkBackupAuthentication,
  checkBackupRule,
  datasetSchema,
  findRpoGaps,
} from './backups.js';
import { smallHospital, smallHospitalDossier } from './testing/small-hospital.js';

const AS_OF = '2026-04-01T08:00:00Z';

describe('3-2-1-1-0 rule', () => {
  it('accepts the DPI database: 3 copies, 3 media, tape in building B, offline tape, verified and tested', () => {
    const dataset = smallHospitalDossier().datasets[0]!;
    const result = checkBackupRule(dataset, { asOf: AS_OF });
    expect(result.compliant).toBe(true);
    expect(result.checks.map((c) => [c.rule, c.ok])).toEqual([
      ['3_copies', true],
      ['2_media', true],
      ['1_offsite', true],
      ['1_offline_or_immutable', true],
      ['0_errors', true],
    ]);
    expect(result.checks[0]!.reason).toBe('3 copies (production et 2 sauvegarde(s))');
  });

  it('gives the reason of each failure', () => {
    const dataset = datasetSchema.parse({
      id: 'DS-PAIE',
      name: 'Paie',
      productionSite: 'Site principal',
      productionMedia: 'disk',
      backupIntervalHours: 24,
      copies: [{ id: 'PAIE-DISK', media: 'disk', site: 'site principal ' }],
      // 2026-03-29T00:00Z is 80 h before AS_OF; the limit is 2 × 24 = 48 h.
      lastSuccessfulBackupAt: '2026-03-29T00:00:00Z',
      lastBackupErrors: 2,
      lastRestoreTest: { date: '2026-01-05', success: false, scope: 'isolated' },
    });
    const result = checkBackupRule(dataset, { asOf: AS_OF });
    expect(result.compliant).toBe(false);
    expect(result.meets321).toBe(false);
    expect(Object.fromEntries(result.checks.map((c) => [c.rule, c.ok ? 'ok' : c.reason]))).toEqual({
      '3_copies': 'seulement 2 copie(s) : la production et 1 sauvegarde(s), 3 attendues',
      '2_media': 'un seul type de support (disque)',
      // Site names compare without case or surrounding spaces.
      '1_offsite': 'aucune copie hors du site de production (Site principal)',
      '1_offline_or_immutable':
        'aucune copie déconnectée ni immuable : un rançongiciel peut chiffrer ou effacer toutes les copies',
      '0_errors':
        'dernière sauvegarde réussie il y a 80 h (plus de 48 h) ; 2 erreur(s) à la dernière sauvegarde ; le test de restauration du 2026-01-05 a échoué',
    });
  });

  it('fails the 0 when nothing was ever verified or tested, and an old test', () => {
    const never = datasetSchema.parse({ id: 'X', name: 'X', productionSite: 'A', copies: [] });
    expect(checkBackupRule(never, { asOf: AS_OF }).checks[4]!.reason).toBe(
      'aucune sauvegarde réussie enregistrée ; aucune vérification de sauvegarde enregistrée ; aucun test de restauration enregistré',
    );
    const old = datasetSchema.parse({
      id: 'Y',
      name: 'Y',
      productionSite: 'A',
      copies: [],
      lastSuccessfulBackupAt: '2026-04-01',
      lastBackupErrors: 0,
      lastRestoreTest: { date: '2025-01-01', success: true, scope: 'production' },
    });
    expect(checkBackupRule(old, { asOf: AS_OF }).checks[4]!.reason).toBe(
      'dernier test de restauration réussi le 2025-01-01, il y a plus de 365 jours',
    );
  });

  it('refuses malformed datasets: bad dates, negative intervals, unknown media, extra fields', () => {
    const base = { id: 'Z', name: 'Z', productionSite: 'A', copies: [] };
    for (const bad of [
      { ...base, lastSuccessfulBackupAt: '31/03/2026' },
      { ...base, backupIntervalHours: -1 },
      { ...base, copies: [{ id: 'c', media: 'floppy', site: 'A' }] },
      { ...base, lastRestoreTest: { date: '2026-02-30', success: true, scope: 'production' } },
      { ...base, owner: 'x' },
    ]) {
      expect(datasetSchema.safeParse(bad).success).toBe(false);
    }
  });
});

describe('RPO against backup interval', () => {
  it('finds activities that need data backed up less often than their RPO allows', () => {
    // DS-DPI every 1 h feeds URG (RPO 1) and PHARMA (RPO 4): fine. Every 6 h: URG (1 < 6) and PHARMA (4 < 6).
    const [dataset] = smallHospitalDossier().datasets;
    expect(findRpoGaps(smallHospital(), [dataset!])).toEqual([]);
    const gaps = findRpoGaps(smallHospital(), [{ ...dataset!, backupIntervalHours: 6 }]);
    expect(gaps.map((g) => [g.activity, g.rpoHours]).sort()).toEqual([
      ['PHARMA', 4],
      ['URG', 1],
    ]);
  });
});

describe('backup infrastructure authentication (D2.O3.A)', () => {
  const base = smallHospitalDossier().backupInfrastructure!;

  it('accepts local accounts with 2FA and a least-privilege operator', () => {
    expect(checkBackupAuthentication(base, '2025-07-16')).toEqual({ met: true, reasons: [] });
  });

  it('accepts a product without 2FA support but refuses 2FA left off', () => {
    expect(checkBackupAuthentication({ ...base, mfa: 'not_supported' }, '2025-07-16').met).toBe(true);
    expect(checkBackupAuthentication({ ...base, mfa: 'disabled' }, '2025-07-16').reasons).toEqual([
      'double authentification non activée alors que la solution le permet',
    ]);
  });

  it('refuses the production directory, and a dedicated AD without an ADS audit ≥ 3 during the phase', () => {
    expect(checkBackupAuthentication({ ...base, authentication: 'production_directory' }, '2025-07-16').met).toBe(
      false,
    );
    const dedicated = backupInfrastructureSchema.parse({
      ...base,
      authentication: 'dedicated_directory',
      dedicatedDirectoryAudit: { date: '2025-05-01', adsScore: 2 },
    });
    expect(checkBackupAuthentication(dedicated, '2025-07-16').reasons).toEqual([
      'audit ADS du 2025-05-01, antérieur à la phase opérationnelle (2025-07-16)',
      'score ADS 2, 3 minimum attendu',
    ]);
    const good = { ...dedicated, dedicatedDirectoryAudit: { date: '2025-12-01', adsScore: 3 } };
    expect(checkBackupAuthentication(good, '2025-07-16').met).toBe(true);
    expect(
      checkBackupAuthentication({ ...dedicated, dedicatedDirectoryAudit: undefined }, '2025-07-16').reasons,
    ).toEqual(["annuaire dédié sans audit ADS de l'ANSSI"]);
  });
});
