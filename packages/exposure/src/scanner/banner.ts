import { Socket } from 'node:net';

export interface BannerOptions {
  /** Bytes kept at most; the socket is closed once reached (hostile huge banners). */
  readonly maxBytes?: number;
  /** Total time allowed, whatever the server does (slow-drip banners). */
  readonly totalTimeoutMs?: number;
  /** Quiet time after the last byte before the banner is considered complete. */
  readonly idleMs?: number;
  /** Bytes sent after connecting (an active probe); nothing when absent. */
  readonly send?: Uint8Array;
}

export interface Banner {
  readonly bytes: Buffer;
  /** Reading stopped at maxBytes. */
  readonly truncated: boolean;
  /** Reading stopped at totalTimeoutMs. */
  readonly timedOut: boolean;
}

/** Reads what a service says first (or answers to `send`), bounded in bytes and time. */
export function grabBanner(host: string, port: number, options: BannerOptions = {}): Promise<Banner> {
  const maxBytes = options.maxBytes ?? 4096;
  const totalTimeoutMs = options.totalTimeoutMs ?? 3000;
  const idleMs = options.idleMs ?? 600;
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let idle: NodeJS.Timeout | undefined;
    const finish = (truncated: boolean, timedOut: boolean, error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      clearTimeout(idle);
      socket.destroy();
      if (error && size === 0) reject(error);
      else resolve({ bytes: Buffer.concat(chunks, size).subarray(0, maxBytes), truncated, timedOut });
    };
    const total = setTimeout(() => finish(false, true), totalTimeoutMs);
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(false, false), idleMs);
    };
    socket.on('data', (chunk: Buffer) => {
      const room = maxBytes - size;
      chunks.push(chunk.subarray(0, room));
      size += Math.min(chunk.length, room);
      if (size >= maxBytes) finish(chunk.length > room, false);
      else armIdle();
    });
    socket.once('connect', () => {
      if (options.send) socket.write(options.send);
      armIdle();
    });
    socket.once('end', () => finish(false, false));
    socket.once('error', (err) => finish(false, false, err));
    socket.connect({ host, port });
  });
}

/** Printable rendering of a banner: control and non-ASCII bytes escaped, length capped. */
export function printableBanner(bytes: Uint8Array, max = 256): string {
  let out = '';
  for (const b of bytes.subarray(0, max)) {
    out +=
      b >= 0x20 && b < 0x7f
        ? String.fromCharCode(b)
        : b === 0x0a
          ? '\\n'
          : b === 0x0d
            ? '\\r'
            : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return bytes.length > max ? `${out}…` : out;
}
