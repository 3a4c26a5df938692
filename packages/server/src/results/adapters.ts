/** What the platform keeps in clear from a pushed bundle, and the indicators it sets. */
export interface ResultSummary {
  rulesetVersion: string;
  generatedAt: string;
  /** One French line for lists, e.g. "niveau ANSSI 2, score 65/100". */
  headline: string;
  /** Figures an upper level may see (scores, counts): never findings or affected objects. */
  summary: Record<string, unknown>;
  indicators: Record<string, number | boolean | string>;
}

export interface PastResult {
  generatedAt: string;
  summary: Record<string, unknown>;
}

/** One engine's side of the push: validate its bundle, summarise it, derive indicators from history. */
export interface EngineAdapter {
  engine: string;
  label: string;
  /** Throws `InvalidBundle` with a reason when the bundle is not this engine's. */
  summarise(bundle: unknown): ResultSummary;
  /** Indicators that need several results (e.g. the D1 cadence of two exposure audits 45–60 days apart). */
  fromHistory?(history: PastResult[]): Record<string, number | boolean | string>;
}

export class InvalidBundle extends Error {}
