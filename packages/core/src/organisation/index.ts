export * from './demo.js';
export * from './finess.js';
export * from './finess-extract.js';
export * from './regions.js';
export * from './tree.js';
