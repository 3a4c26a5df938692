import { open } from 'node:fs/promises';
import { checkChunkMagic, type EvtxRecord, parseChunk } from './chunk.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE, parseFileHeader } from './file-header.js';
import { EvtxFormatError, type EvtxWarning } from './warnings.js';

export interface EvtxReadOptions {
  /** Called for each recoverable problem (damaged chunk or record); reading goes on. */
  onWarning?: (w: EvtxWarning) => void;
}

/** Raised when the file cannot be read as EVTX at all (not a damaged part: the whole file). */
export class EvtxFileError extends Error {
  constructor(
    readonly code: 'not-evtx' | 'io',
    message: string,
  ) {
    super(message);
  }
}

function headerOrWarn(buf: Uint8Array, warn: (w: EvtxWarning) => void): void {
  try {
    const h = parseFileHeader(buf);
    if (!h.checksumValid)
      warn({ code: 'file-header', message: "somme de contrôle de l'en-tête de fichier invalide", fileOffset: 0 });
  } catch (e) {
    if (e instanceof EvtxFormatError) throw new EvtxFileError('not-evtx', e.message);
    throw e;
  }
}

function chunkOrWarn(
  buf: Uint8Array,
  index: number,
  fileOffset: number,
  out: EvtxRecord[],
  warn: (w: EvtxWarning) => void,
): void {
  const check = checkChunkMagic(buf);
  if (check === 'empty') return;
  if (check === 'bad-magic') {
    warn({
      code: 'chunk-header',
      message: `chunk ${index} sans signature "ElfChnk", ignoré`,
      chunk: index,
      fileOffset,
    });
    return;
  }
  if (buf.length < CHUNK_SIZE) {
    warn({
      code: 'truncated',
      message: `chunk ${index} tronqué (${buf.length} octets sur ${CHUNK_SIZE})`,
      chunk: index,
      fileOffset,
    });
  }
  parseChunk(buf, index, fileOffset, (r) => out.push(r), warn);
}

/** Chunks read per system call: few async round trips, memory still bounded (1 MiB of input per batch). */
const CHUNKS_PER_READ = 16;

/**
 * Reads an EVTX file 1 MiB at a time (one buffer, reused), yielding the records of each block of chunks.
 * Memory stays bounded by that buffer whatever the file size.
 */
export async function* readEvtxChunks(path: string, options: EvtxReadOptions = {}): AsyncGenerator<EvtxRecord[]> {
  const warn = options.onWarning ?? (() => {});
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw new EvtxFileError('io', `lecture impossible de ${path} : ${(e as Error).message}`);
  }
  try {
    const header = new Uint8Array(FILE_HEADER_SIZE);
    const { bytesRead } = await handle.read(header, 0, FILE_HEADER_SIZE, 0);
    headerOrWarn(header.subarray(0, bytesRead), warn);
    const buf = new Uint8Array(CHUNK_SIZE * CHUNKS_PER_READ);
    let position = FILE_HEADER_SIZE;
    let index = 0;
    for (;;) {
      const { bytesRead: n } = await handle.read(buf, 0, buf.length, position);
      if (n === 0) break;
      const out: EvtxRecord[] = [];
      for (let off = 0; off < n; off += CHUNK_SIZE, index++) {
        chunkOrWarn(buf.subarray(off, Math.min(off + CHUNK_SIZE, n)), index, position + off, out, warn);
      }
      if (out.length > 0) yield out;
      position += n;
      if (n < buf.length) break;
    }
  } finally {
    await handle.close();
  }
}

/** Reads an EVTX file record by record (async iterator, bounded memory). */
export async function* readEvtxRecords(path: string, options: EvtxReadOptions = {}): AsyncGenerator<EvtxRecord> {
  for await (const records of readEvtxChunks(path, options)) yield* records;
}

/** Parses an in-memory EVTX image (tests, small files). Throws EvtxFileError only when it is not EVTX at all. */
export function parseEvtxBuffer(data: Uint8Array, options: EvtxReadOptions = {}): EvtxRecord[] {
  const warn = options.onWarning ?? (() => {});
  headerOrWarn(data.subarray(0, FILE_HEADER_SIZE), warn);
  const out: EvtxRecord[] = [];
  for (let index = 0, pos = FILE_HEADER_SIZE; pos < data.length; index++, pos += CHUNK_SIZE) {
    chunkOrWarn(data.subarray(pos, Math.min(pos + CHUNK_SIZE, data.length)), index, pos, out, warn);
  }
  return out;
}
