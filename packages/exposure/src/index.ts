export * from './scope/cidr.js';
export * from './scope/scope.js';
