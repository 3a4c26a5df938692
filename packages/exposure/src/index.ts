export * from './history/cadence.js';
export * from './imports/nmap-xml.js';
export * from './model.js';
export * from './rules/rules.js';
export * from './scanner/banner.js';
export * from './scanner/tcp-connect.js';
export * from './scope/cidr.js';
export * from './scope/scope.js';
