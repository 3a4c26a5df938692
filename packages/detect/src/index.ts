export * from './evtx/index.js';
export { JsonDocumentSplitter, type JsonReadOptions, readJsonEvents, toRecord } from './input/json-events.js';
export * from './sigma/index.js';
