import { crc32 } from './crc32.js';
import { EvtxFormatError } from './warnings.js';

export const FILE_HEADER_SIZE = 4096;
export const CHUNK_SIZE = 65536;

/** The 4 KiB header at the start of an EVTX file ("ElfFile\0"). */
export interface EvtxFileHeader {
  firstChunkNumber: bigint;
  lastChunkNumber: bigint;
  nextRecordId: bigint;
  minorVersion: number;
  majorVersion: number;
  chunkCount: number;
  /** Bit 0: dirty (not closed cleanly), bit 1: full. */
  flags: number;
  checksumValid: boolean;
}

const MAGIC = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]; // "ElfFile\0"

/** Parses the file header; throws EvtxFormatError when the magic is absent or the buffer too short. */
export function parseFileHeader(buf: Uint8Array): EvtxFileHeader {
  if (buf.length < 128) throw new EvtxFormatError(`file header truncated (${buf.length} bytes)`);
  for (let i = 0; i < 8; i++) {
    if (buf[i] !== MAGIC[i]) throw new EvtxFormatError('not an EVTX file (no "ElfFile" signature)');
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return {
    firstChunkNumber: dv.getBigUint64(8, true),
    lastChunkNumber: dv.getBigUint64(16, true),
    nextRecordId: dv.getBigUint64(24, true),
    minorVersion: dv.getUint16(36, true),
    majorVersion: dv.getUint16(38, true),
    chunkCount: dv.getUint16(42, true),
    flags: dv.getUint32(120, true),
    checksumValid: crc32(buf, 0, 120) === dv.getUint32(124, true),
  };
}
