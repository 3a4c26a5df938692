import { z } from 'zod';
import { type ContinuityGraph, continuityIdSchema } from './model.js';

/**
 * Backups per dataset and the 3-2-1-1-0 rule: 3 copies of the data, on 2 kinds of media, 1 off-site,
 * 1 offline (air-gapped) or immutable, 0 errors (verified backups and a successful restore test)
 * (security-tools.md §5.2). Also the backup infrastructure's own authentication and isolation, for CaRE
 * D2.O3.A/B/D (care-programme.md §3.2).
 */

const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });
const when = z.union([isoDate, isoDateTime]);

export const BACKUP_MEDIA = [
  'disk',
  'nas',
  'san_snapshot',
  'tape',
  'object_storage',
  'cloud',
  'removable_disk',
  'optical',
  'other',
] as const;
export type BackupMedia = (typeof BACKUP_MEDIA)[number];
export const BACKUP_MEDIA_LABELS: Record<BackupMedia, string> = {
  disk: 'disque',
  nas: 'NAS',
  san_snapshot: 'instantané SAN',
  tape: 'bande',
  object_storage: 'stockage objet',
  cloud: 'nuage',
  removable_disk: 'disque amovible',
  optical: 'support optique',
  other: 'autre',
};

export const backupCopySchema = z.strictObject({
  id: continuityIdSchema,
  media: z.enum(BACKUP_MEDIA),
  /** Building or hosting site; a copy is off-site when it differs from the dataset's production site. */
  site: z.string().min(1).max(200),
  /** Disconnected from every network (tape out of the library, unplugged disk). */
  offline: z.boolean().default(false),
  /** Cannot be changed or deleted before its retention ends (WORM, object lock). */
  immutable: z.boolean().default(false),
  encrypted: z.boolean().default(false),
  retentionDays: z.number().int().min(0).max(36_500).optional(),
});
export type BackupCopy = z.infer<typeof backupCopySchema>;

export const restoreTestSchema = z.strictObject({
  date: isoDate,
  success: z.boolean(),
  /** Restored back to production, to an isolated environment, or only some files. */
  scope: z.enum(['production', 'isolated', 'partial']),
  durationHours: z.number().finite().min(0).max(87_600).optional(),
  businessReferent: z.string().max(200).optional(),
  notes: z.string().max(5_000).optional(),
});
export type RestoreTest = z.infer<typeof restoreTestSchema>;

export const datasetSchema = z.strictObject({
  id: continuityIdSchema,
  name: z.string().min(1).max(200),
  /** Components of the dependency graph that hold this data (database, file server, application). */
  componentIds: z.array(continuityIdSchema).max(1_000).default([]),
  productionSite: z.string().min(1).max(200),
  productionMedia: z.enum(BACKUP_MEDIA).default('disk'),
  /** Backup copies; the production data counts as the first of the three copies. */
  copies: z.array(backupCopySchema).max(100),
  backupIntervalHours: z.number().finite().min(0).max(87_600).optional(),
  lastSuccessfulBackupAt: when.optional(),
  /** Errors reported by the last backup job or its verification (0 = verified clean). */
  lastBackupErrors: z.number().int().min(0).optional(),
  lastRestoreTest: restoreTestSchema.optional(),
  /** Outsourced or SaaS: backup ensured by the provider under a contract clause (D2.O2.A). */
  outsourced: z.boolean().default(false),
  contractCoversBackup: z.boolean().optional(),
});
export type Dataset = z.infer<typeof datasetSchema>;
export type DatasetInput = z.input<typeof datasetSchema>;

export type BackupRuleCheckId = '3_copies' | '2_media' | '1_offsite' | '1_offline_or_immutable' | '0_errors';

export interface BackupRuleCheck {
  rule: BackupRuleCheckId;
  ok: boolean;
  /** French sentence saying what was found, and why it fails when it does. */
  reason: string;
}

export interface BackupRuleResult {
  dataset: string;
  compliant: boolean;
  /** 3-2-1 part only (the D2.O3.C trajectory target). */
  meets321: boolean;
  checks: BackupRuleCheck[];
}

export interface BackupRuleOptions {
  /** Date of the evaluation (ISO). */
  asOf: string;
  /** Oldest acceptable successful backup; default twice the backup interval, at least 24 h. */
  maxBackupAgeHours?: number;
  /** Oldest acceptable successful restore test (our default: one year). */
  maxRestoreTestAgeDays?: number;
}

const HOUR = 3_600_000;

/** Checks the 3-2-1-1-0 rule on one dataset; every failed check says why. */
export function checkBackupRule(dataset: Dataset, options: BackupRuleOptions): BackupRuleResult {
  const asOf = Date.parse(options.asOf);
  const copies = dataset.copies;
  const checks: BackupRuleCheck[] = [];
  const total = copies.length + 1;
  checks.push({
    rule: '3_copies',
    ok: total >= 3,
    reason:
      total >= 3
        ? `${total} copies (production et ${copies.length} sauvegarde(s))`
        : `seulement ${total} copie(s) : la production et ${copies.length} sauvegarde(s), 3 attendues`,
  });
  const media = new Set<BackupMedia>([dataset.productionMedia, ...copies.map((c) => c.media)]);
  const mediaList = [...media].map((m) => BACKUP_MEDIA_LABELS[m]).join(', ');
  checks.push({
    rule: '2_media',
    ok: media.size >= 2,
    reason:
      media.size >= 2 ? `${media.size} types de support (${mediaList})` : `un seul type de support (${mediaList})`,
  });
  const offsite = copies.filter((c) => c.site.trim().toLowerCase() !== dataset.productionSite.trim().toLowerCase());
  checks.push({
    rule: '1_offsite',
    ok: offsite.length > 0,
    reason:
      offsite.length > 0
        ? `copie hors site : ${offsite.map((c) => `${c.id} (${c.site})`).join(', ')}`
        : `aucune copie hors du site de production (${dataset.productionSite})`,
  });
  const protectedCopies = copies.filter((c) => c.offline || c.immutable);
  checks.push({
    rule: '1_offline_or_immutable',
    ok: protectedCopies.length > 0,
    reason:
      protectedCopies.length > 0
        ? `copie déconnectée ou immuable : ${protectedCopies.map((c) => c.id).join(', ')}`
        : 'aucune copie déconnectée ni immuable : un rançongiciel peut chiffrer ou effacer toutes les copies',
  });
  const errors: string[] = [];
  const maxAge = options.maxBackupAgeHours ?? Math.max(24, 2 * (dataset.backupIntervalHours ?? 12));
  if (!dataset.lastSuccessfulBackupAt) errors.push('aucune sauvegarde réussie enregistrée');
  else {
    const age = (asOf - Date.parse(dataset.lastSuccessfulBackupAt)) / HOUR;
    if (age > maxAge) errors.push(`dernière sauvegarde réussie il y a ${Math.floor(age)} h (plus de ${maxAge} h)`);
  }
  if (dataset.lastBackupErrors === undefined) errors.push('aucune vérification de sauvegarde enregistrée');
  else if (dataset.lastBackupErrors > 0) errors.push(`${dataset.lastBackupErrors} erreur(s) à la dernière sauvegarde`);
  const maxTestDays = options.maxRestoreTestAgeDays ?? 365;
  const test = dataset.lastRestoreTest;
  if (!test) errors.push('aucun test de restauration enregistré');
  else if (!test.success) errors.push(`le test de restauration du ${test.date} a échoué`);
  else {
    const days = (asOf - Date.parse(test.date)) / (24 * HOUR);
    if (days > maxTestDays)
      errors.push(`dernier test de restauration réussi le ${test.date}, il y a plus de ${maxTestDays} jours`);
  }
  checks.push({
    rule: '0_errors',
    ok: errors.length === 0,
    reason:
      errors.length === 0
        ? `sauvegarde vérifiée sans erreur, restauration testée le ${test!.date}`
        : errors.join(' ; '),
  });
  return {
    dataset: dataset.id,
    compliant: checks.every((c) => c.ok),
    meets321: checks.slice(0, 3).every((c) => c.ok),
    checks,
  };
}

export interface RpoGap {
  dataset: string;
  activity: string;
  rpoHours: number;
  backupIntervalHours: number;
}

/**
 * Activities whose RPO is shorter than the backup interval of data they need (directly or through other
 * components): at worst they would lose more data than they tolerate.
 */
export function findRpoGaps(graph: ContinuityGraph, datasets: readonly Dataset[]): RpoGap[] {
  const dependants = new Map<string, string[]>();
  for (const d of graph.dependencies) {
    const list = dependants.get(d.to);
    if (list) list.push(d.from);
    else dependants.set(d.to, [d.from]);
  }
  const activities = new Map(graph.activities.map((a) => [a.id, a]));
  const gaps: RpoGap[] = [];
  for (const dataset of datasets) {
    const interval = dataset.backupIntervalHours;
    if (interval === undefined) continue;
    const seen = new Set(dataset.componentIds);
    const queue = [...seen];
    for (let head = 0; head < queue.length; head++) {
      for (const w of dependants.get(queue[head]!) ?? []) {
        if (seen.has(w)) continue;
        seen.add(w);
        queue.push(w);
      }
    }
    for (const id of seen) {
      const activity = activities.get(id);
      if (activity && activity.rpoHours < interval) {
        gaps.push({ dataset: dataset.id, activity: id, rpoHours: activity.rpoHours, backupIntervalHours: interval });
      }
    }
  }
  return gaps;
}

export const backupInfrastructureSchema = z.strictObject({
  /** How backup consoles and servers authenticate administrators. */
  authentication: z.enum(['dedicated_directory', 'local_accounts', 'production_directory']),
  mfa: z.enum(['enabled', 'not_supported', 'disabled']),
  leastPrivilegeOperatorRole: z.boolean(),
  /** ANSSI ADS audit of the dedicated directory, when there is one. */
  dedicatedDirectoryAudit: z
    .strictObject({ date: isoDate, adsScore: z.number().int().min(1).max(5).optional() })
    .optional(),
  /** "Bouton rouge": the backup infrastructure can be cut off technically during an incident. */
  isolation: z.strictObject({
    capable: z.boolean(),
    steps: z.array(z.string().min(1).max(1_000)).max(50).default([]),
    lastTestedOn: isoDate.optional(),
  }),
  /** Dated milestones of the segregation and 3-2-1 trajectories (D2.O3.B, D2.O3.C). */
  milestones: z
    .array(
      z.strictObject({
        title: z.string().min(1).max(300),
        objective: z.enum(['D2.O3.B', 'D2.O3.C']),
        dueDate: isoDate,
        done: z.boolean().default(false),
      }),
    )
    .max(200)
    .default([]),
  monitoring: z.strictObject({
    documented: z.boolean(),
    successChecks: z.boolean(),
    failureProcedure: z.boolean(),
    /** GHT: alerts gathered centrally and visible to the RSSI. */
    alertsCentralised: z.boolean().default(false),
  }),
});
export type BackupInfrastructure = z.infer<typeof backupInfrastructureSchema>;
export type BackupInfrastructureInput = z.input<typeof backupInfrastructureSchema>;

/** Minimum ADS score of a dedicated backup directory at the end of the operational phase (D2.O3.A). */
export const BACKUP_DIRECTORY_MIN_ADS_SCORE = 3;

/** D2.O3.A: independent authentication, least privilege, 2FA when the product allows it, ADS ≥ 3 if a dedicated AD. */
export function checkBackupAuthentication(
  infrastructure: BackupInfrastructure,
  operationalPhaseStart: string,
): { met: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (infrastructure.authentication === 'production_directory') {
    reasons.push("l'infrastructure de sauvegarde s'authentifie sur l'annuaire de production : elle tomberait avec lui");
  }
  if (infrastructure.mfa === 'disabled')
    reasons.push('double authentification non activée alors que la solution le permet');
  if (!infrastructure.leastPrivilegeOperatorRole)
    reasons.push("l'opérateur de sauvegarde n'a pas un rôle à moindre privilège");
  if (infrastructure.authentication === 'dedicated_directory') {
    const audit = infrastructure.dedicatedDirectoryAudit;
    if (!audit) reasons.push("annuaire dédié sans audit ADS de l'ANSSI");
    else {
      if (audit.date < operationalPhaseStart) {
        reasons.push(`audit ADS du ${audit.date}, antérieur à la phase opérationnelle (${operationalPhaseStart})`);
      }
      if (audit.adsScore === undefined) reasons.push('score ADS non renseigné');
      else if (audit.adsScore < BACKUP_DIRECTORY_MIN_ADS_SCORE) {
        reasons.push(`score ADS ${audit.adsScore}, ${BACKUP_DIRECTORY_MIN_ADS_SCORE} minimum attendu`);
      }
    }
  }
  return { met: reasons.length === 0, reasons };
}
