export * from './evtx/index.js';
