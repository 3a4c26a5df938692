import { BinXmlContext } from './binxml.js';
import { crc32 } from './crc32.js';
import { CHUNK_SIZE } from './file-header.js';
import { type JsonObject, renderRecord } from './render.js';
import { formatFileTime } from './values.js';
import type { EvtxWarning } from './warnings.js';

/** One event record, rendered. */
export interface EvtxRecord {
  recordId: number;
  /** Record header timestamp (ISO-8601 UTC). */
  timestamp: string;
  /** The event, as the reference JSON rendering: `{ Event: { System, EventData|UserData } }`. */
  event: JsonObject;
}

const CHUNK_MAGIC = [0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00]; // "ElfChnk\0"
const RECORDS_START = 512;
const RECORD_HEADER = 24;

export type ChunkCheck = 'ok' | 'empty' | 'bad-magic';

/** Whether `buf` starts a chunk: a valid signature, all zero (never used) or garbage. */
export function checkChunkMagic(buf: Uint8Array): ChunkCheck {
  let zero = true;
  for (let i = 0; i < 8; i++) {
    if (buf[i] !== CHUNK_MAGIC[i]) {
      if (zero) {
        for (let j = 0; j < 512 && j < buf.length; j++) {
          if (buf[j] !== 0) return 'bad-magic';
        }
        return 'empty';
      }
      return 'bad-magic';
    }
    if (buf[i] !== 0) zero = false;
  }
  return 'ok';
}

function isRecordMagic(buf: Uint8Array, off: number): boolean {
  return buf[off] === 0x2a && buf[off + 1] === 0x2a && buf[off + 2] === 0 && buf[off + 3] === 0;
}

/**
 * Parses every record of one 64 KiB chunk, calling `emit` for each; a damaged record is reported through
 * `warn` and skipped (resynchronising on the next record signature). Never throws on bad bytes.
 */
export function parseChunk(
  buf: Uint8Array,
  chunkIndex: number,
  fileOffset: number,
  emit: (record: EvtxRecord) => void,
  warn: (w: EvtxWarning) => void,
): void {
  const length = Math.min(buf.length, CHUNK_SIZE);
  if (length < RECORDS_START) {
    warn({
      code: 'truncated',
      message: `chunk ${chunkIndex} tronqué (${length} octets)`,
      chunk: chunkIndex,
      fileOffset,
    });
    return;
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, length);
  const headerCrc = crc32(buf.subarray(128, 512), 0, 384, crc32(buf, 0, 120));
  if (headerCrc !== dv.getUint32(124, true)) {
    warn({
      code: 'chunk-checksum',
      message: `somme de contrôle de l'en-tête du chunk ${chunkIndex} invalide`,
      chunk: chunkIndex,
      fileOffset,
    });
  }
  let freeSpace = dv.getUint32(48, true);
  if (freeSpace < RECORDS_START || freeSpace > length) {
    warn({
      code: 'chunk-header',
      message: `chunk ${chunkIndex} : fin des données (${freeSpace}) hors limites, lecture jusqu'à la fin du chunk`,
      chunk: chunkIndex,
      fileOffset,
    });
    freeSpace = length;
  }
  const chunk = buf.subarray(0, length);
  const ctx = new BinXmlContext(chunk);
  let off = RECORDS_START;
  while (off + RECORD_HEADER <= freeSpace) {
    if (!isRecordMagic(chunk, off)) {
      const next = resync(chunk, off + 1, freeSpace);
      warn({
        code: 'record-header',
        message: `chunk ${chunkIndex} : signature d'enregistrement absente à ${off}${next < 0 ? ', fin du chunk ignorée' : `, reprise à ${next}`}`,
        chunk: chunkIndex,
        fileOffset: fileOffset + off,
      });
      if (next < 0) return;
      off = next;
      continue;
    }
    const size = dv.getUint32(off + 4, true);
    if (size < RECORD_HEADER + 4 || off + size > length || dv.getUint32(off + size - 4, true) !== size) {
      const next = resync(chunk, off + 4, freeSpace);
      warn({
        code: 'record-header',
        message: `chunk ${chunkIndex} : taille d'enregistrement invalide (${size}) à ${off}`,
        chunk: chunkIndex,
        fileOffset: fileOffset + off,
      });
      if (next < 0) return;
      off = next;
      continue;
    }
    const recordId = dv.getUint32(off + 12, true) * 4294967296 + dv.getUint32(off + 8, true);
    try {
      const timestamp = formatFileTime(dv.getUint32(off + 16, true), dv.getUint32(off + 20, true));
      const nodes = ctx.parse(off + RECORD_HEADER, off + size - 4);
      emit({ recordId, timestamp, event: renderRecord(nodes) });
    } catch (e) {
      warn({
        code: 'record-binxml',
        message: `enregistrement ${recordId} (chunk ${chunkIndex}) illisible : ${(e as Error).message}`,
        chunk: chunkIndex,
        fileOffset: fileOffset + off,
      });
    }
    off += size;
  }
}

function resync(buf: Uint8Array, from: number, end: number): number {
  for (let p = from; p + RECORD_HEADER <= end; p++) if (isRecordMagic(buf, p)) return p;
  return -1;
}
