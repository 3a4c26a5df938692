/** Stable codes of the problems a referential file can have. */
export type ReferentialIssueCode =
  | 'too_large'
  | 'yaml_syntax'
  | 'schema'
  | 'missing_weight'
  | 'duplicate_id'
  | 'unknown_scale'
  | 'unknown_level'
  | 'unknown_measure'
  | 'unknown_objective'
  | 'dependency_cycle'
  | 'changelog'
  | 'io';

/** One problem found in a referential file, with where it is (1-based line and column, 0 when unknown). */
export interface ReferentialIssue {
  code: ReferentialIssueCode;
  line: number;
  column: number;
  /** Path of the offending node in the document, e.g. `framework.axes.0.objectives.1.weight`. */
  path: string;
  message: string;
}

/** A referential was refused; `issues` lists every problem found, each with its line and reason. */
export class ReferentialError extends Error {
  readonly code = 'invalid_referential';
  constructor(
    readonly source: string,
    readonly issues: ReferentialIssue[],
  ) {
    super(
      `${source}: référentiel refusé\n${issues.map((i) => `  ligne ${i.line}, colonne ${i.column} [${i.code}] ${i.message}`).join('\n')}`,
    );
    this.name = 'ReferentialError';
  }
}

/** Stable codes of errors raised while scoring or planning against a referential. */
export type CareErrorCode =
  | 'unknown_requirement'
  | 'unknown_level'
  | 'referential_mismatch'
  | 'invalid_answer'
  | 'invalid_indicator'
  | 'invalid_ciso_library';

/** A domain error with a stable code, raised by the CaRE functions on input they cannot accept. */
export class CareError extends Error {
  constructor(
    readonly code: CareErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CareError';
  }
}
