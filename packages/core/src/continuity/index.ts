export * from './csv.js';
export * from './graph-io.js';
export * from './model.js';
export * from './restore-plan.js';
