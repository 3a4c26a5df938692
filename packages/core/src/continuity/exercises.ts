import { z } from 'zod';
import type { Dataset } from './backups.js';
import { type ContinuityGraph, continuityIdSchema } from './model.js';

/**
 * Crisis and restore exercises, the D2 objectives they prove, and the GHT coverage rule
 * (care-programme.md §3.2: D2.O1.D field test of a PCA, D2.O4 restore test back to production,
 * "activities covering ≥ 66 % of combined activity" for GHTs and groups).
 */

const isoDate = z.iso.date();

export const EXERCISE_KINDS = ['crisis_tabletop', 'crisis_simulation', 'pca_field_test', 'restore_test'] as const;
export type ExerciseKind = (typeof EXERCISE_KINDS)[number];
export const EXERCISE_KIND_LABELS: Record<ExerciseKind, string> = {
  crisis_tabletop: 'Exercice de crise sur table',
  crisis_simulation: 'Simulation de crise',
  pca_field_test: 'Test terrain de PCA',
  restore_test: 'Test de restauration',
};

export const exerciseSchema = z.strictObject({
  id: continuityIdSchema,
  title: z.string().min(1).max(300),
  kind: z.enum(EXERCISE_KINDS),
  scenario: z.string().min(1).max(5_000),
  date: isoDate,
  participants: z
    .array(z.strictObject({ name: z.string().min(1).max(200), role: z.string().max(200).default('') }))
    .max(500),
  /** Activities whose degraded mode (PCA) was played for real. */
  activityIds: z.array(continuityIdSchema).max(1_000).default([]),
  /** FINESS of the legal entities (EJ) the exercise covered, for the GHT rule. */
  entities: z.array(z.string().max(20)).max(500).default([]),
  restore: z
    .strictObject({
      datasetIds: z.array(continuityIdSchema).max(1_000).default([]),
      componentIds: z.array(continuityIdSchema).max(1_000).default([]),
      toProduction: z.boolean(),
      success: z.boolean(),
      businessReferent: z.string().max(200).optional(),
      durationHours: z.number().finite().min(0).max(87_600).optional(),
    })
    .optional(),
  findings: z.array(z.string().min(1).max(5_000)).max(500).default([]),
  /** Corrective actions, to feed the roadmap. */
  actions: z
    .array(
      z.strictObject({
        title: z.string().min(1).max(500),
        owner: z.string().max(200).default(''),
        dueDate: isoDate.optional(),
        status: z.enum(['open', 'in_progress', 'done']).default('open'),
      }),
    )
    .max(500)
    .default([]),
});
export type Exercise = z.infer<typeof exerciseSchema>;
export type ExerciseInput = z.input<typeof exerciseSchema>;

/** Legal entity of a GHT or group, weighted by its share of the combined activity (stays, budget…). */
export const activityEntitySchema = z.strictObject({
  finess: z.string().min(1).max(20),
  name: z.string().min(1).max(200),
  activityWeight: z.number().finite().positive(),
});
export type ActivityEntity = z.infer<typeof activityEntitySchema>;

/** ≥ 66 % of combined activity, for GHTs (over EJs) and other groups (over EGs). */
export const COMBINED_ACTIVITY_THRESHOLD = 0.66;

export interface CoverageResult {
  applicable: boolean;
  ratio: number;
  met: boolean;
  covered: string[];
  missing: string[];
}

/** Share of the combined activity held by the covered entities; not applicable to a single establishment. */
export function combinedActivityCoverage(
  entities: readonly ActivityEntity[],
  covered: Iterable<string>,
): CoverageResult {
  const set = new Set(covered);
  if (entities.length <= 1) {
    return { applicable: false, ratio: 1, met: true, covered: entities.map((e) => e.finess), missing: [] };
  }
  let total = 0;
  let part = 0;
  for (const e of entities) {
    total += e.activityWeight;
    if (set.has(e.finess)) part += e.activityWeight;
  }
  const ratio = total > 0 ? part / total : 0;
  return {
    applicable: true,
    ratio,
    // Compare in integer per-ten-thousand to avoid 0.66 being missed by a rounding error.
    met: Math.round(ratio * 10_000) >= Math.round(COMBINED_ACTIVITY_THRESHOLD * 10_000),
    covered: entities.filter((e) => set.has(e.finess)).map((e) => e.finess),
    missing: entities.filter((e) => !set.has(e.finess)).map((e) => e.finess),
  };
}

export interface ExerciseProof {
  objective: 'D2.O1.D' | 'D2.O4';
  proven: boolean;
  reasons: string[];
}

export interface OperationalPhase {
  /** Publication of the D2 arrêté (16 July 2025) unless told otherwise. */
  start: string;
  /** Filing of the declaration, or today. */
  end: string;
}

/** What an exercise proves for D2: a field test of a PCA (D2.O1.D) and/or a restore test to production (D2.O4). */
export function exerciseProofs(
  exercise: Exercise,
  phase: OperationalPhase,
  graph: ContinuityGraph,
  datasets: readonly Dataset[] = [],
): ExerciseProof[] {
  const proofs: ExerciseProof[] = [];
  const inPhase = exercise.date >= phase.start && exercise.date <= phase.end;
  const phaseReason = `exercice du ${exercise.date}, hors de la phase opérationnelle (${phase.start} – ${phase.end})`;
  if (exercise.kind === 'pca_field_test' || exercise.activityIds.length > 0) {
    const reasons: string[] = [];
    if (exercise.kind !== 'pca_field_test') reasons.push("ce n'est pas un test terrain de PCA");
    if (exercise.activityIds.length === 0) reasons.push('aucune activité testée en mode dégradé');
    if (!inPhase) reasons.push(phaseReason);
    proofs.push({ objective: 'D2.O1.D', proven: reasons.length === 0, reasons });
  }
  if (exercise.restore) {
    const restore = exercise.restore;
    const reasons: string[] = [];
    if (!restore.toProduction)
      reasons.push('restauration en environnement isolé : D2.O4 demande un retour en production');
    if (!restore.success) reasons.push('la restauration a échoué');
    if (!restore.businessReferent) reasons.push('aucun référent métier nommé pour les tests fonctionnels');
    if (!inPhase) reasons.push(phaseReason);
    // The restored system must support an activity of the BIA (D2.O1.C), directly or not.
    const restored = new Set(restore.componentIds);
    for (const d of datasets) if (restore.datasetIds.includes(d.id)) for (const c of d.componentIds) restored.add(c);
    const dependants = new Map<string, string[]>();
    for (const d of graph.dependencies) {
      const list = dependants.get(d.to);
      if (list) list.push(d.from);
      else dependants.set(d.to, [d.from]);
    }
    const queue = [...restored];
    for (let head = 0; head < queue.length; head++) {
      for (const w of dependants.get(queue[head]!) ?? []) {
        if (!restored.has(w)) {
          restored.add(w);
          queue.push(w);
        }
      }
    }
    if (!graph.activities.some((a) => restored.has(a.id))) {
      reasons.push("le système restauré ne porte aucune activité critique de l'analyse d'impact");
    }
    proofs.push({ objective: 'D2.O4', proven: reasons.length === 0, reasons });
  }
  return proofs;
}
