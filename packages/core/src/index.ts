export * from './care/index.js';
export * from './continuity/index.js';
export * from './organisation/index.js';
