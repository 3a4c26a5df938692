export * from './errors.js';
export * from './loader.js';
export * from './referential.js';
export * from './referential-file.js';
export * from './scoring.js';
