import { Socket } from 'node:net';

export type PortState = 'open' | 'closed' | 'filtered';

export interface PortResult {
  readonly host: string;
  readonly port: number;
  readonly state: PortState;
  /** Attempts made (1 + retries used). */
  readonly attempts: number;
}

export interface ConnectScanOptions {
  /** Connections in flight at once. */
  readonly concurrency?: number;
  /** Maximum new connection attempts per second across the scan (0 = unlimited). */
  readonly ratePerSecond?: number;
  /** Per-attempt connect timeout in milliseconds. */
  readonly timeoutMs?: number;
  /** Extra attempts for a port that timed out (a RST is definitive and not retried). */
  readonly retries?: number;
  /** Called after each port completes, for progress display. */
  readonly onResult?: (result: PortResult, done: number, total: number) => void;
  /** Targets already done (resumed scan): skipped. Keys are `host:port`. */
  readonly skip?: ReadonlySet<string>;
}

/** One TCP connect attempt: open on connect, closed on refusal, filtered on timeout or unreachable. */
export function probeConnect(host: string, port: number, timeoutMs: number): Promise<PortState> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let settled = false;
    const finish = (state: PortState) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(state);
    };
    const timer = setTimeout(() => finish('filtered'), timeoutMs);
    socket.once('connect', () => finish('open'));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED' ? 'closed' : 'filtered'));
    socket.connect({ host, port });
  });
}

/** A token bucket spacing connection attempts to at most `perSecond` a second. */
class RateLimiter {
  private next = 0;
  constructor(private readonly perSecond: number) {}
  async take(): Promise<void> {
    if (this.perSecond <= 0) return;
    const now = performance.now();
    const slot = Math.max(now, this.next);
    this.next = slot + 1000 / this.perSecond;
    if (slot > now) await new Promise((r) => setTimeout(r, slot - now));
  }
}

/** TCP connect scan of every host × port with bounded concurrency, rate limit, timeouts and retries. */
export async function connectScan(
  hosts: readonly string[],
  ports: readonly number[],
  options: ConnectScanOptions = {},
): Promise<PortResult[]> {
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 256, 4096));
  const timeoutMs = options.timeoutMs ?? 1500;
  const retries = options.retries ?? 1;
  const limiter = new RateLimiter(options.ratePerSecond ?? 0);
  const targets: Array<[string, number]> = [];
  // Interleave hosts so one slow host does not hold every worker.
  for (const port of ports)
    for (const host of hosts) if (!options.skip?.has(`${host}:${port}`)) targets.push([host, port]);
  const results: PortResult[] = [];
  let index = 0;
  const worker = async () => {
    while (index < targets.length) {
      const [host, port] = targets[index++] as [string, number];
      let attempts = 0;
      let state: PortState = 'filtered';
      while (attempts <= retries) {
        await limiter.take();
        attempts++;
        state = await probeConnect(host, port, timeoutMs);
        if (state !== 'filtered') break;
      }
      const result = { host, port, state, attempts };
      results.push(result);
      options.onResult?.(result, results.length, targets.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
  return results.sort((a, b) => (a.host === b.host ? a.port - b.port : a.host < b.host ? -1 : 1));
}

/** Parses a port list such as `22,80,443,8000-8100` into sorted unique ports. */
export function parsePorts(text: string): number[] {
  const out = new Set<number>();
  if (text.length > 100_000) throw new RangeError('liste de ports trop longue');
  for (const part of text.split(',')) {
    const m = /^\s*(\d{1,5})(?:\s*-\s*(\d{1,5}))?\s*$/.exec(part);
    if (!m) throw new RangeError(`port invalide : « ${part.slice(0, 30)} »`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo < 1 || hi > 65535 || lo > hi) throw new RangeError(`plage de ports invalide : « ${part.trim()} »`);
    for (let p = lo; p <= hi; p++) out.add(p);
  }
  return [...out].sort((a, b) => a - b);
}
