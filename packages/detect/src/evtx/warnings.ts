/** A recoverable problem met while reading an EVTX file: the reader skips the damaged part and goes on. */
export interface EvtxWarning {
  /** Stable code: `file-header`, `chunk-header`, `chunk-checksum`, `record-header`, `record-binxml`. */
  code: EvtxWarningCode;
  message: string;
  /** Index of the chunk in the file (0-based), when the problem is inside a chunk. */
  chunk?: number;
  /** Offset of the problem inside the file. */
  fileOffset?: number;
}

export type EvtxWarningCode =
  | 'file-header'
  | 'chunk-header'
  | 'chunk-checksum'
  | 'record-header'
  | 'record-binxml'
  | 'truncated';

/** Thrown by the low-level decoders when bytes do not make sense; caught per record or chunk. */
export class EvtxFormatError extends Error {}
