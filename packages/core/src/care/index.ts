export * from './director-summary.js';
export * from './errors.js';
export * from './loader.js';
export * from './referential.js';
export * from './referential-file.js';
export * from './roadmap.js';
export * from './roadmap-csv.js';
export * from './scoring.js';
