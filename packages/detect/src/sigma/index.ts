export { type CompiledRule, compileRule, tryCompileRule } from './compiler.js';
export { type ConditionNode, parseCondition } from './condition.js';
export { CorrelationState, parseTimespan } from './correlation.js';
export { type Alert, levelRank, SigmaEngine } from './engine.js';
export { EventView } from './event-view.js';
export { type LogTarget, resolveLogsource } from './logsource.js';
export {
  base64OffsetVariants,
  checkRegexSafety,
  compileCidr,
  MAX_REGEX_INPUT,
  RuleCompileError,
  windashVariants,
} from './modifiers.js';
export {
  LEVELS,
  type Level,
  parseSigmaYaml,
  type RuleProblem,
  type SigmaCorrelationRule,
  type SigmaDocument,
  type SigmaRule,
} from './rule-parser.js';
