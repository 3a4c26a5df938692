export * from './audit.js';
export * from './ldap-values.js';
export { DirectoryIndex, privilegedGroups } from './membership.js';
export * from './model.js';
export type { AffectedObject, Measure } from './rules/evaluators.js';
export { EVALUATORS } from './rules/evaluators.js';
export * from './rules/ruleset.js';
export * from './security-descriptor.js';
export * from './sources/ldap-source.js';
