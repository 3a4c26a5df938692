export * from './model.js';
export * from './security-descriptor.js';
