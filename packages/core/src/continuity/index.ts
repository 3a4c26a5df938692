export * from './backups.js';
export * from './d2-indicators.js';
export * from './exercises.js';
export * from './graph-io.js';
export * from './model.js';
export * from './restore-plan.js';
