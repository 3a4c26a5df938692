import { z } from 'zod';
import { type BackupInfrastructure, checkBackupAuthentication, checkBackupRule, type Dataset } from './backups.js';
import {
  type ActivityEntity,
  COMBINED_ACTIVITY_THRESHOLD,
  combinedActivityCoverage,
  type Exercise,
  exerciseProofs,
  type OperationalPhase,
} from './exercises.js';
import { type ContinuityGraph, continuityIdSchema } from './model.js';

/**
 * CaRE D2 indicators computed from the continuity data, one per prerequisite and objective (D2.P1 … D2.O4),
 * each with the evidence it rests on, to pre-fill the self-assessment. Thresholds and wording come from the
 * CaRE D2 transcription in care-programme.md §3.2 (arrêté of 3 July 2025, published 16 July 2025).
 */

export const D2_REFERENTIAL = 'CaRE D2 — arrêté du 3 juillet 2025';
export const D2_THRESHOLDS = {
  /** D2.P1 and D2.O2.A: PSSI reviewed / backup policy updated between this date and the filing. */
  reviewedSince: '2022-07-16',
  /** Operational phase: from the arrêté's publication to the filing of the declaration. */
  operationalPhaseStart: '2025-07-16',
  combinedActivity: COMBINED_ACTIVITY_THRESHOLD,
  backupDirectoryMinAdsScore: 3,
} as const;

const isoDate = z.iso.date();

export const CONTINUITY_DOCUMENT_KINDS = [
  'pssi',
  'project_organisation',
  'governance',
  'crisis_procedures',
  'plan_blanc_digital',
  'backup_policy',
  'backup_plan',
] as const;
export type ContinuityDocumentKind = (typeof CONTINUITY_DOCUMENT_KINDS)[number];

export const continuityDocumentSchema = z.strictObject({
  id: continuityIdSchema,
  kind: z.enum(CONTINUITY_DOCUMENT_KINDS),
  title: z.string().min(1).max(300),
  /** Date signed, reviewed or updated (the latest). */
  date: isoDate,
  signedByLegalRepresentative: z.boolean().default(false),
  /** Backup policy: covers outsourced and SaaS services through contract clauses. */
  coversOutsourced: z.boolean().default(false),
  /** Backup plan: activities whose information systems it covers. */
  activityIds: z.array(continuityIdSchema).max(1_000).default([]),
  /** Project organisation: the named PCRA owner (RPCRA), recommended. */
  pcraOwner: z.string().max(200).optional(),
});
export type ContinuityDocument = z.infer<typeof continuityDocumentSchema>;
export type ContinuityDocumentInput = z.input<typeof continuityDocumentSchema>;

export interface ContinuityDossier {
  graph: ContinuityGraph;
  datasets: readonly Dataset[];
  backupInfrastructure?: BackupInfrastructure;
  exercises: readonly Exercise[];
  documents: readonly ContinuityDocument[];
  /** Legal entities of a GHT or group with their activity weight; empty or one for a single establishment. */
  entities?: readonly ActivityEntity[];
}

export type D2IndicatorId =
  | 'D2.P1'
  | 'D2.P2'
  | 'D2.O1.A'
  | 'D2.O1.B'
  | 'D2.O1.C'
  | 'D2.O1.D'
  | 'D2.O2.A'
  | 'D2.O2.B'
  | 'D2.O3.A'
  | 'D2.O3.B'
  | 'D2.O3.C'
  | 'D2.O3.D'
  | 'D2.O4';

export type D2IndicatorStatus = 'met' | 'partially_met' | 'not_met' | 'no_data';

export interface D2Evidence {
  source: 'document' | 'exercise' | 'dataset' | 'bia' | 'backup_infrastructure';
  id: string;
  label: string;
  date?: string;
}

export interface D2Indicator {
  id: D2IndicatorId;
  title: string;
  status: D2IndicatorStatus;
  /** Short French statement of the measured value. */
  value: string;
  /** The threshold applied, in French. */
  threshold: string;
  /** Why it is not met (empty when met). */
  reasons: string[];
  evidence: D2Evidence[];
  referential: string;
}

export interface D2IndicatorOptions {
  /** Evaluation date: the filing date, or today (ISO date). */
  asOf: string;
  /** Application date, for D2.P1 (defaults to asOf). */
  applicationDate?: string;
  operationalPhaseStart?: string;
}

const TITLES: Record<D2IndicatorId, string> = {
  'D2.P1': 'PSSI formalisée et à jour',
  'D2.P2': 'Organisation projet du PCRA',
  'D2.O1.A': 'Gouvernance de la continuité et de la reprise',
  'D2.O1.B': 'Procédures de réponse à une crise cyber',
  'D2.O1.C': 'PCA et PRA formalisés à partir des analyses d’impact',
  'D2.O1.D': 'Test terrain d’au moins un PCA',
  'D2.O2.A': 'Politique de sauvegarde et de restauration validée',
  'D2.O2.B': 'Plans de sauvegarde et de restauration des SI critiques',
  'D2.O3.A': 'Authentification sécurisée de l’infrastructure de sauvegarde',
  'D2.O3.B': 'Trajectoire de cloisonnement de l’infrastructure de sauvegarde',
  'D2.O3.C': 'Trajectoire 3-2-1',
  'D2.O3.D': 'Supervision des sauvegardes',
  'D2.O4': 'Test de sauvegarde et de restauration',
};

const percent = (ratio: number) => `${Math.round(ratio * 1000) / 10} %`;

function indicator(
  id: D2IndicatorId,
  status: D2IndicatorStatus,
  value: string,
  threshold: string,
  reasons: string[],
  evidence: D2Evidence[],
): D2Indicator {
  return {
    id,
    title: TITLES[id],
    status,
    value,
    threshold,
    reasons: status === 'met' ? [] : reasons,
    evidence,
    referential: D2_REFERENTIAL,
  };
}

function documentEvidence(d: ContinuityDocument): D2Evidence {
  return { source: 'document', id: d.id, label: d.title, date: d.date };
}

/** Latest document of a kind, or undefined. */
function latest(documents: readonly ContinuityDocument[], kind: ContinuityDocumentKind) {
  let best: ContinuityDocument | undefined;
  for (const d of documents) if (d.kind === kind && (!best || d.date > best.date)) best = d;
  return best;
}

/** An entity's BIA is complete for D2.O1.C with a major care service, an administrative process and a platform. */
function biaGaps(graph: ContinuityGraph, entity?: string): string[] {
  const activities = graph.activities.filter((a) => entity === undefined || a.entity === entity);
  const gaps: string[] = [];
  const major = activities.some(
    (a) => a.kind === 'care_service' && (a.priority === 1 || a.impacts.some((i) => i.level >= 3)),
  );
  if (!major) gaps.push('aucun service de soins à impact majeur sur la prise en charge');
  if (!activities.some((a) => a.kind === 'administrative_process')) gaps.push('aucun processus administratif critique');
  if (!activities.some((a) => a.kind === 'technical_platform')) gaps.push('aucun plateau technique');
  const noProcedure = activities.filter((a) => a.degradedModeProcedure.trim() === '');
  if (noProcedure.length > 0) {
    gaps.push(
      `sans procédure de mode dégradé : ${noProcedure
        .map((a) => a.id)
        .slice(0, 10)
        .join(', ')}`,
    );
  }
  return gaps;
}

/** Computes the thirteen D2 indicators. Pure: same dossier and options, same answers. */
export function computeD2Indicators(dossier: ContinuityDossier, options: D2IndicatorOptions): D2Indicator[] {
  const { graph, datasets, exercises, documents } = dossier;
  const entities = dossier.entities ?? [];
  const phase: OperationalPhase = {
    start: options.operationalPhaseStart ?? D2_THRESHOLDS.operationalPhaseStart,
    end: options.asOf.slice(0, 10),
  };
  const since = D2_THRESHOLDS.reviewedSince;
  const out: D2Indicator[] = [];

  // D2.P1 — PSSI signed by the legal representative, reviewed between 16 Jul 2022 and the application.
  {
    const applied = (options.applicationDate ?? options.asOf).slice(0, 10);
    const pssi = latest(documents, 'pssi');
    const reasons: string[] = [];
    if (!pssi) reasons.push('aucune PSSI enregistrée');
    else {
      if (!pssi.signedByLegalRepresentative) reasons.push('PSSI non signée par le représentant légal');
      if (pssi.date < since || pssi.date > applied)
        reasons.push(`PSSI revue le ${pssi.date}, hors de la période ${since} – ${applied}`);
    }
    out.push(
      indicator(
        'D2.P1',
        !pssi ? 'no_data' : reasons.length === 0 ? 'met' : 'not_met',
        pssi ? `PSSI du ${pssi.date}` : 'aucune PSSI',
        `signée par le représentant légal, revue entre le ${since} et la candidature`,
        reasons,
        pssi ? [documentEvidence(pssi)] : [],
      ),
    );
  }
  // D2.P2 — project organisation; naming an RPCRA is recommended only.
  {
    const doc = latest(documents, 'project_organisation');
    out.push(
      indicator(
        'D2.P2',
        doc ? 'met' : 'no_data',
        doc
          ? `organisation décrite${doc.pcraOwner ? `, RPCRA : ${doc.pcraOwner}` : ' (RPCRA non nommé, recommandé)'}`
          : 'aucune description',
        'organisation projet du PCRA décrite (RPCRA recommandé)',
        ['aucune description de l’organisation projet'],
        doc ? [documentEvidence(doc)] : [],
      ),
    );
  }
  // D2.O1.A — governance scheme.
  {
    const doc = latest(documents, 'governance');
    out.push(
      indicator(
        'D2.O1.A',
        doc ? 'met' : 'no_data',
        doc ? `schéma de gouvernance du ${doc.date}` : 'aucun schéma de gouvernance',
        'un document de gouvernance de la continuité et de la reprise',
        ['aucun schéma de gouvernance'],
        doc ? [documentEvidence(doc)] : [],
      ),
    );
  }
  // D2.O1.B — digital risks in the plan blanc, and cyber crisis procedures.
  {
    const plan = latest(documents, 'plan_blanc_digital');
    const procedures = latest(documents, 'crisis_procedures');
    const reasons: string[] = [];
    if (!plan) reasons.push('risques numériques absents du plan blanc');
    if (!procedures) reasons.push('aucune procédure de gestion de crise cyber (cellule de crise, remontée)');
    out.push(
      indicator(
        'D2.O1.B',
        plan && procedures ? 'met' : plan || procedures ? 'partially_met' : 'no_data',
        [plan ? 'volet numérique du plan blanc' : null, procedures ? 'procédures de crise cyber' : null]
          .filter(Boolean)
          .join(', ') || 'aucun document',
        'risques numériques intégrés au plan blanc et procédures de crise cyber',
        reasons,
        [plan, procedures].filter((d): d is ContinuityDocument => d !== undefined).map(documentEvidence),
      ),
    );
  }
  // D2.O1.C — BIA with the three kinds of activity and their PCA; GHT: ≥ 66 % of combined activity.
  {
    const evidence: D2Evidence[] = graph.activities.map((a) => ({
      source: 'bia' as const,
      id: a.id,
      label: `${a.name} (RTO ${a.rtoHours} h, DMIA ${a.mtdHours} h)`,
    }));
    if (entities.length > 1) {
      const complete = entities.filter((e) => biaGaps(graph, e.finess).length === 0).map((e) => e.finess);
      const coverage = combinedActivityCoverage(entities, complete);
      out.push(
        indicator(
          'D2.O1.C',
          graph.activities.length === 0
            ? 'no_data'
            : coverage.met
              ? 'met'
              : complete.length > 0
                ? 'partially_met'
                : 'not_met',
          `analyses d’impact complètes pour ${complete.length}/${entities.length} entités, ${percent(coverage.ratio)} de l’activité cumulée`,
          `≥ ${percent(COMBINED_ACTIVITY_THRESHOLD)} de l’activité cumulée ; par entité : un service de soins majeur, le processus administratif le plus critique, un plateau technique`,
          coverage.missing.map((f) => `entité ${f} : ${biaGaps(graph, f).join(' ; ')}`),
          evidence,
        ),
      );
    } else {
      const gaps = biaGaps(graph);
      out.push(
        indicator(
          'D2.O1.C',
          graph.activities.length === 0 ? 'no_data' : gaps.length === 0 ? 'met' : 'partially_met',
          `${graph.activities.length} activité(s) critique(s) analysée(s)`,
          'au moins un service de soins à impact majeur, le processus administratif le plus critique et un plateau technique, avec leur PCA',
          gaps,
          evidence,
        ),
      );
    }
  }
  // D2.O1.D — at least one PCA tested in the field during the operational phase; GHT: ≥ 66 %.
  {
    const proving = exercises.filter((e) =>
      exerciseProofs(e, phase, graph, datasets).some((p) => p.objective === 'D2.O1.D' && p.proven),
    );
    const planned = exercises.filter((e) => e.kind === 'pca_field_test' && e.date > phase.end);
    const reasons: string[] = [];
    if (proving.length === 0) {
      const attempts = exercises.flatMap((e) =>
        exerciseProofs(e, phase, graph, datasets)
          .filter((p) => p.objective === 'D2.O1.D')
          .map((p) => `${e.id} : ${p.reasons.join(' ; ')}`),
      );
      reasons.push('aucun PCA testé sur le terrain pendant la phase opérationnelle', ...attempts);
    }
    let status: D2IndicatorStatus = proving.length > 0 ? 'met' : exercises.length === 0 ? 'no_data' : 'not_met';
    let value = `${proving.length} test(s) terrain de PCA probant(s), ${planned.length} planifié(s)`;
    if (entities.length > 1 && proving.length > 0) {
      const coverage = combinedActivityCoverage(
        entities,
        proving.flatMap((e) => e.entities),
      );
      value += `, ${percent(coverage.ratio)} de l’activité cumulée`;
      if (!coverage.met) {
        status = 'partially_met';
        reasons.push(
          `tests couvrant ${percent(coverage.ratio)} de l’activité cumulée, ${percent(COMBINED_ACTIVITY_THRESHOLD)} attendus`,
        );
      }
    }
    out.push(
      indicator(
        'D2.O1.D',
        status,
        value,
        `au moins un PCA testé sur le terrain entre le ${phase.start} et le dépôt${entities.length > 1 ? ` ; ≥ ${percent(COMBINED_ACTIVITY_THRESHOLD)} de l’activité cumulée` : ''}`,
        reasons,
        [...proving, ...planned].map((e) => ({ source: 'exercise' as const, id: e.id, label: e.title, date: e.date })),
      ),
    );
  }
  // D2.O2.A — backup policy validated, covering outsourced/SaaS, updated since 16 Jul 2022.
  {
    const policy = latest(documents, 'backup_policy');
    const reasons: string[] = [];
    if (!policy) reasons.push('aucune politique de sauvegarde');
    else {
      if (policy.date < since || policy.date > phase.end)
        reasons.push(`politique mise à jour le ${policy.date}, hors de la période ${since} – ${phase.end}`);
      if (!policy.coversOutsourced)
        reasons.push('la politique ne couvre pas les services externalisés / SaaS (clauses contractuelles)');
    }
    const outsourcedWithoutClause = datasets.filter((d) => d.outsourced && d.contractCoversBackup !== true);
    if (outsourcedWithoutClause.length > 0) {
      reasons.push(
        `jeux de données externalisés sans clause de sauvegarde : ${outsourcedWithoutClause.map((d) => d.id).join(', ')}`,
      );
    }
    out.push(
      indicator(
        'D2.O2.A',
        !policy ? 'no_data' : reasons.length === 0 ? 'met' : 'partially_met',
        policy ? `politique du ${policy.date}` : 'aucune politique',
        `validée, couvrant l’externalisé et le SaaS, mise à jour entre le ${since} et le dépôt`,
        reasons,
        policy ? [documentEvidence(policy)] : [],
      ),
    );
  }
  // D2.O2.B — backup/restore plans for the critical systems of the BIA.
  {
    const plans = documents.filter((d) => d.kind === 'backup_plan');
    const covered = new Set(plans.flatMap((p) => p.activityIds));
    const missing = graph.activities.filter((a) => !covered.has(a.id));
    out.push(
      indicator(
        'D2.O2.B',
        plans.length === 0 ? 'no_data' : missing.length === 0 ? 'met' : 'partially_met',
        `${graph.activities.length - missing.length}/${graph.activities.length} activité(s) critique(s) couvertes par un plan`,
        'un plan de sauvegarde et de restauration pour les SI de chaque activité critique de D2.O1.C',
        missing.length > 0
          ? [
              `activités sans plan : ${missing
                .map((a) => a.id)
                .slice(0, 20)
                .join(', ')}`,
            ]
          : [],
        plans.map(documentEvidence),
      ),
    );
  }
  const infra = dossier.backupInfrastructure;
  const infraEvidence: D2Evidence[] = infra
    ? [{ source: 'backup_infrastructure', id: 'backup-infrastructure', label: 'Infrastructure de sauvegarde' }]
    : [];
  // D2.O3.A — independent authentication, least privilege, 2FA if supported, ADS ≥ 3 for a dedicated AD.
  {
    const check = infra ? checkBackupAuthentication(infra, phase.start) : undefined;
    out.push(
      indicator(
        'D2.O3.A',
        !check ? 'no_data' : check.met ? 'met' : 'not_met',
        infra ? `authentification : ${infra.authentication}, double facteur : ${infra.mfa}` : 'non renseigné',
        `authentification indépendante, rôle à moindre privilège, double facteur si possible, annuaire dédié audité ADS ≥ ${D2_THRESHOLDS.backupDirectoryMinAdsScore}`,
        check?.reasons ?? [],
        infraEvidence,
      ),
    );
  }
  // D2.O3.B — segregation trajectory and "bouton rouge" isolation capacity.
  {
    const milestones = infra?.milestones.filter((m) => m.objective === 'D2.O3.B') ?? [];
    const reasons: string[] = [];
    if (infra && !infra.isolation.capable) reasons.push('pas de capacité d’isolement technique (« bouton rouge »)');
    if (infra?.isolation.capable && infra.isolation.steps.length === 0) reasons.push('étapes d’isolement non décrites');
    if (infra && milestones.length === 0) reasons.push('aucun jalon de cloisonnement daté');
    out.push(
      indicator(
        'D2.O3.B',
        !infra
          ? 'no_data'
          : reasons.length === 0
            ? 'met'
            : infra.isolation.capable || milestones.length > 0
              ? 'partially_met'
              : 'not_met',
        infra
          ? `isolement ${infra.isolation.capable ? 'possible' : 'impossible'}, ${milestones.length} jalon(s)`
          : 'non renseigné',
        'trajectoire de cloisonnement datée et capacité d’isolement en incident (« bouton rouge »)',
        reasons,
        infraEvidence,
      ),
    );
  }
  // D2.O3.C — 3-2-1 trajectory, aiming at an immutable copy offline or off-site.
  {
    const results = datasets.map((d) => checkBackupRule(d, { asOf: options.asOf }));
    const meeting = results.filter((r) => r.meets321);
    const withProtected = results.filter((r) => r.checks.find((c) => c.rule === '1_offline_or_immutable')?.ok);
    const milestones = infra?.milestones.filter((m) => m.objective === 'D2.O3.C') ?? [];
    const reasons = results
      .filter((r) => !r.meets321)
      .map(
        (r) =>
          `${r.dataset} : ${r.checks
            .slice(0, 3)
            .filter((c) => !c.ok)
            .map((c) => c.reason)
            .join(' ; ')}`,
      );
    if (datasets.length > 0 && withProtected.length < datasets.length) {
      reasons.push(`${datasets.length - withProtected.length} jeu(x) de données sans copie déconnectée ou immuable`);
    }
    const all = datasets.length > 0 && meeting.length === datasets.length && withProtected.length === datasets.length;
    out.push(
      indicator(
        'D2.O3.C',
        datasets.length === 0
          ? 'no_data'
          : all
            ? 'met'
            : milestones.length > 0 || meeting.length > 0
              ? 'partially_met'
              : 'not_met',
        `${meeting.length}/${datasets.length} jeu(x) de données en 3-2-1, ${withProtected.length} avec une copie déconnectée ou immuable, ${milestones.length} jalon(s)`,
        '3-2-1 atteint ou trajectoire datée, avec une copie immuable déconnectée ou hors site',
        reasons,
        datasets.map((d) => ({ source: 'dataset' as const, id: d.id, label: d.name })),
      ),
    );
  }
  // D2.O3.D — monitoring documented, success checks, failure procedure; GHT: centralised alerts.
  {
    const reasons: string[] = [];
    if (infra) {
      if (!infra.monitoring.documented) reasons.push('suivi des sauvegardes non documenté');
      if (!infra.monitoring.successChecks) reasons.push('pas de contrôle des sauvegardes réussies');
      if (!infra.monitoring.failureProcedure) reasons.push('pas de procédure en cas d’échec');
      if (entities.length > 1 && !infra.monitoring.alertsCentralised)
        reasons.push('GHT : alertes non centralisées pour le RSSI');
    }
    const unverified = datasets.filter(
      (d) => d.lastBackupErrors === undefined || d.lastSuccessfulBackupAt === undefined,
    );
    if (unverified.length > 0)
      reasons.push(`jeux de données sans suivi de sauvegarde : ${unverified.map((d) => d.id).join(', ')}`);
    out.push(
      indicator(
        'D2.O3.D',
        !infra ? 'no_data' : reasons.length === 0 ? 'met' : 'partially_met',
        infra ? `${datasets.length - unverified.length}/${datasets.length} jeu(x) de données suivis` : 'non renseigné',
        'suivi documenté, contrôle des sauvegardes réussies, procédure d’échec (GHT : alertes centralisées)',
        reasons,
        infraEvidence,
      ),
    );
  }
  // D2.O4 — one technical restore test back to production during the phase, on a D2.O1.C system.
  {
    const proofs = exercises.map((e) => ({
      e,
      proof: exerciseProofs(e, phase, graph, datasets).find((p) => p.objective === 'D2.O4'),
    }));
    const proving = proofs.filter((p) => p.proof?.proven);
    const attempts = proofs.filter((p) => p.proof && !p.proof.proven);
    out.push(
      indicator(
        'D2.O4',
        proving.length > 0 ? 'met' : attempts.length > 0 ? 'not_met' : 'no_data',
        `${proving.length} test(s) de restauration en production probant(s)`,
        `au moins une restauration technique en production entre le ${phase.start} et le dépôt, sur un SI d’une activité de D2.O1.C, avec un référent métier`,
        attempts.length > 0
          ? attempts.map((p) => `${p.e.id} : ${p.proof!.reasons.join(' ; ')}`)
          : ['aucun test de restauration enregistré'],
        [...proving, ...attempts].map((p) => ({
          source: 'exercise' as const,
          id: p.e.id,
          label: p.e.title,
          date: p.e.date,
        })),
      ),
    );
  }
  return out;
}
