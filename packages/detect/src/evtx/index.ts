export type { EvtxRecord } from './chunk.js';
export { parseChunk } from './chunk.js';
export { type EvtxFileHeader, parseFileHeader } from './file-header.js';
export {
  EvtxFileError,
  type EvtxReadOptions,
  parseEvtxBuffer,
  readEvtxChunks,
  readEvtxRecords,
} from './reader.js';
export type { JsonObject, JsonValue } from './render.js';
export type { EvtxWarning, EvtxWarningCode } from './warnings.js';
