import {
  type ContinuityDossier,
  computeD2Indicators,
  D2_THRESHOLDS,
  type D2IndicatorId,
  type D2IndicatorOptions,
} from '../continuity/d2-indicators.js';
import { combinedActivityCoverage, exerciseProofs } from '../continuity/exercises.js';
import type { IndicatorReading, IndicatorSource } from './indicators.js';

/** Reading key of each D2 indicator's status: `d2.p1`, `d2.o1_a` … `d2.o4`. */
export function d2StatusKey(id: D2IndicatorId): string {
  return `d2.${id.slice(3).toLowerCase().replace('.', '_')}`;
}

/**
 * The continuity module's D2 indicators as pre-fill readings, with their source:
 * - one `d2.<id>` reading per indicator that has data, valued `met`, `partially_met` or `not_met`;
 * - the measured keys of version 1 of the CaRE referential: `d2.backup_auth_independent` (D2.O3.A),
 *   `d2.restore_test_done` (D2.O4) and `d2.pca_test_coverage` (D2.O1.D: share of the combined activity
 *   covered by proven field tests; 1 for a single establishment with one proven test).
 * Version 2 also maps each remaining D2 requirement to its status reading.
 * References name the indicator, never its measured detail (readings are visible to upper levels).
 * An indicator without data gives no reading: the respondent answers it. Pure.
 */
export function d2Readings(
  dossier: ContinuityDossier,
  options: D2IndicatorOptions,
  source: Omit<IndicatorSource, 'reference'>,
): IndicatorReading[] {
  const indicators = computeD2Indicators(dossier, options);
  const out: IndicatorReading[] = [];
  const read = (key: string, value: boolean | number | string, reference: string) =>
    out.push({ key, value, source: { ...source, reference } });
  for (const i of indicators) {
    if (i.status === 'no_data') continue;
    read(d2StatusKey(i.id), i.status, `indicateur ${i.id} — ${i.title}`);
  }
  const status = new Map(indicators.map((i) => [i.id, i]));
  const auth = status.get('D2.O3.A')!;
  if (auth.status !== 'no_data') {
    read('d2.backup_auth_independent', auth.status === 'met', `indicateur D2.O3.A — ${auth.title}`);
  }
  const restore = status.get('D2.O4')!;
  if (restore.status !== 'no_data') {
    read('d2.restore_test_done', restore.status === 'met', `indicateur D2.O4 — ${restore.title}`);
  }
  const pca = status.get('D2.O1.D')!;
  if (pca.status !== 'no_data') {
    const phase = {
      start: options.operationalPhaseStart ?? D2_THRESHOLDS.operationalPhaseStart,
      end: options.asOf.slice(0, 10),
    };
    const proving = dossier.exercises.filter((e) =>
      exerciseProofs(e, phase, dossier.graph, dossier.datasets).some((p) => p.objective === 'D2.O1.D' && p.proven),
    );
    const entities = dossier.entities ?? [];
    const coverage =
      proving.length === 0
        ? 0
        : combinedActivityCoverage(
            entities,
            proving.flatMap((e) => e.entities),
          ).ratio;
    read('d2.pca_test_coverage', Math.round(coverage * 10_000) / 10_000, `indicateur D2.O1.D — ${pca.title}`);
  }
  return out;
}
