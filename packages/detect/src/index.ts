export * from './evtx/index.js';
export { JsonDocumentSplitter, type JsonReadOptions, readJsonEvents, toRecord } from './input/json-events.js';
export {
  collectInputs,
  csvField,
  type ScanInput,
  type ScanOptions,
  type ScanProgress,
  type ScanSummary,
  scan,
  TIMELINE_COLUMNS,
  TimelineWriter,
} from './scan.js';
export * from './sigma/index.js';
