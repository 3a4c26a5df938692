const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

import * as zlib from 'node:zlib';

/** Node's native CRC-32 (zlib, Node ≥ 20.15), when present: no warm-up, table-free. */
const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 (IEEE, as used by EVTX checksums) over `data[start, end)`, continuing from `crc`. */
export function crc32(data: Uint8Array, start = 0, end = data.length, crc = 0): number {
  if (native !== undefined && end > start) return native(data.subarray(start, end), crc) >>> 0;
  return crc32Portable(data, start, end, crc);
}

/** The same CRC-32 in JavaScript (older Node). */
export function crc32Portable(data: Uint8Array, start = 0, end = data.length, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = start; i < end; i++) c = TABLE[(c ^ (data[i] as number)) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
