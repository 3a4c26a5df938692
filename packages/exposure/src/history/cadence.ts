/** One dated exposure audit as kept in history. */
export interface DatedAudit {
  readonly id: string;
  /** UTC ISO-8601 date of the scan. */
  readonly scannedAt: string;
  readonly minimumLevel: boolean;
}

export interface CadenceVerdict {
  readonly met: boolean;
  /** The two audits used as evidence (the most recent qualifying pair), when met. */
  readonly evidence?: { readonly first: DatedAudit; readonly second: DatedAudit; readonly daysApart: number };
  readonly reason: string;
}

const DAY_MS = 86_400_000;

/**
 * CaRE D1.O2: two audits 45 to 60 days apart, both at the minimum level
 * (https://esante.gouv.fr/faq/quelle-est-la-methode-de-calcul-pour-assurer-la-realisation-reguliere-des-audits-dexposition-internet-silene).
 * Days are counted between UTC calendar dates. More frequent scans in between do not invalidate the pair.
 */
export function d1CadenceVerdict(audits: readonly DatedAudit[]): CadenceVerdict {
  const dated = audits
    .map((a) => ({ a, day: Math.floor(Date.parse(a.scannedAt) / DAY_MS) }))
    .filter((x) => Number.isFinite(x.day))
    .sort((x, y) => x.day - y.day);
  if (dated.length < 2) return { met: false, reason: 'moins de deux audits datés' };
  let best: CadenceVerdict['evidence'];
  let sawSpacing = false;
  for (let j = dated.length - 1; j >= 0 && !best; j--) {
    for (let i = j - 1; i >= 0; i--) {
      const gap = (dated[j]?.day ?? 0) - (dated[i]?.day ?? 0);
      if (gap > 60) break;
      if (gap < 45) continue;
      sawSpacing = true;
      const first = dated[i]?.a;
      const second = dated[j]?.a;
      if (first?.minimumLevel && second?.minimumLevel) {
        best = { first, second, daysApart: gap };
        break;
      }
    }
  }
  if (best)
    return {
      met: true,
      evidence: best,
      reason: `audits du ${best.first.scannedAt.slice(0, 10)} et du ${best.second.scannedAt.slice(0, 10)}, ${best.daysApart} jours d'écart, niveau minimum atteint aux deux`,
    };
  return {
    met: false,
    reason: sawSpacing
      ? 'des audits sont espacés de 45 à 60 jours mais pas tous deux au niveau minimum'
      : "aucune paire d'audits espacés de 45 à 60 jours",
  };
}
