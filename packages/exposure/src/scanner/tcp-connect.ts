import { lookup } from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { getSystemErrorName } from 'node:util';
import { Worker } from 'node:worker_threads';
import { connectLoop, type LoopJob, OUTCOME_CLOSED, OUTCOME_FILTERED, OUTCOME_OPEN, rawTcp } from './connect-loop.js';

export type PortState = 'open' | 'closed' | 'filtered';

export interface PortResult {
  readonly host: string;
  readonly port: number;
  readonly state: PortState;
  /** Attempts made (1 + retries used). */
  readonly attempts: number;
}

export interface ConnectScanOptions {
  /** Most connections in flight at once, across all scan threads (the scan starts with fewer and grows). */
  readonly concurrency?: number;
  /** Maximum new connection attempts per second across the scan (0 = unlimited). */
  readonly ratePerSecond?: number;
  /** Connect timeout before any RTT is measured, and upper bound of every attempt's timeout, in ms. */
  readonly timeoutMs?: number;
  /** Lower bound of the RTT-derived timeout in ms (nmap -T4 uses 100). */
  readonly minTimeoutMs?: number;
  /** Extra attempts for a port that timed out (a RST or an ICMP unreachable is an answer and not retried). */
  readonly retries?: number;
  /**
   * Threads probing in parallel, the calling thread included (it runs one share, worker threads the
   * others). Default: one per available core (at most 4) for scans of 2,048 targets or more, 1 below.
   */
  readonly threads?: number;
  /**
   * How probes connect: `handle` drives libuv TCP handles directly (the fast path, see `RawTcp`), `socket`
   * uses `net.Socket`. Default: `handle` where this Node offers it.
   */
  readonly connector?: 'handle' | 'socket';
  /** Called after each port completes, for progress display. */
  readonly onResult?: (result: PortResult, done: number, total: number) => void;
  /** Targets already done (resumed scan): skipped. Keys are `host:port`. */
  readonly skip?: ReadonlySet<string>;
}

const STATES: Record<number, PortState> = {
  [OUTCOME_OPEN]: 'open',
  [OUTCOME_CLOSED]: 'closed',
  [OUTCOME_FILTERED]: 'filtered',
};
const BATCH_SIZE = 256;
const THREADED_FROM = 2048;
/** Sockets in flight per thread at the start of a scan; the window grows while a thread waits on the network. */
const INITIAL_SLOTS = 8;

let workerSource: string | undefined;

/**
 * Source of a scan worker: `connectLoop` sent as text, so the same code runs from the TypeScript sources
 * (tests, bench) and from the build without a module loader in the worker.
 */
function scanWorkerSource(): string {
  workerSource ??= [
    "'use strict';",
    "const { parentPort, workerData } = require('node:worker_threads');",
    // A worker only probes: the thousands of ECONNREFUSED errors of a scan need no stack traces, and
    // capturing them is the largest JavaScript cost of a refused probe. Only this worker's isolate is affected.
    'Error.stackTraceLimit = 0;',
    // Helper that TypeScript runners keeping function names (esbuild keepNames) call inside function bodies.
    'const __name = (target) => target;',
    `const connectLoop = (${connectLoop.toString()});`,
    `const rawTcp = (${rawTcp.toString()});`,
    "const { Socket } = require('node:net');",
    "const raw = workerData.handles ? rawTcp(process, require('node:util').getSystemErrorName) : undefined;",
    'connectLoop(',
    '  { Socket, raw },',
    '  workerData.job,',
    '  (batch) => parentPort.postMessage(batch, [batch.buffer]),',
    '  () => parentPort.postMessage(null),',
    ');',
  ].join('\n');
  return workerSource;
}

/** Numeric address of each host; a name is resolved once here so probes never go through DNS. */
async function resolveAddresses(hosts: readonly string[]): Promise<Array<string | undefined>> {
  return Promise.all(
    hosts.map(async (h) => {
      if (isIP(h)) return h;
      try {
        return (await lookup(h)).address;
      } catch {
        return undefined;
      }
    }),
  );
}

/**
 * TCP connect scan of every host × port with bounded concurrency, rate limit, RTT-adaptive timeouts and
 * retries of the ports that timed out, spread over worker threads.
 */
export async function connectScan(
  hosts: readonly string[],
  ports: readonly number[],
  options: ConnectScanOptions = {},
): Promise<PortResult[]> {
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 256, 4096));
  const maxTimeoutMs = Math.max(1, options.timeoutMs ?? 1500);
  const minTimeoutMs = Math.min(maxTimeoutMs, Math.max(1, options.minTimeoutMs ?? 100));
  const retries = Math.max(0, Math.min(options.retries ?? 1, 10));
  const rate = options.ratePerSecond ?? 0;
  const addresses = await resolveAddresses(hosts);

  const results: PortResult[] = [];
  const hostIndex: number[] = [];
  const portList: number[] = [];
  // Interleave hosts so one slow host does not hold every socket.
  for (const port of ports)
    hosts.forEach((host, h) => {
      if (options.skip?.has(`${host}:${port}`)) return;
      if (addresses[h] !== undefined) {
        hostIndex.push(h);
        portList.push(port);
      } else results.push({ host, port, state: 'filtered', attempts: 0 });
    });
  const total = hostIndex.length + results.length;
  for (const [i, r] of results.entries()) options.onResult?.(r, i + 1, total);
  if (hostIndex.length > 0)
    await probeAll(hosts, addresses as string[], hostIndex, portList, total, results, options, {
      concurrency,
      maxTimeoutMs,
      minTimeoutMs,
      retries,
      rate,
    });
  return results.sort((a, b) => (a.host === b.host ? a.port - b.port : a.host < b.host ? -1 : 1));
}

interface Limits {
  readonly concurrency: number;
  readonly maxTimeoutMs: number;
  readonly minTimeoutMs: number;
  readonly retries: number;
  readonly rate: number;
}

/** Runs connectLoop over the targets, in this thread and in worker threads, collecting results as they come. */
function probeAll(
  hosts: readonly string[],
  addresses: readonly string[],
  hostIndex: readonly number[],
  portList: readonly number[],
  total: number,
  results: PortResult[],
  options: ConnectScanOptions,
  limits: Limits,
): Promise<void> {
  const count = hostIndex.length;
  const targetHosts = new SharedArrayBuffer(count * 4);
  new Int32Array(targetHosts).set(hostIndex);
  const targetPorts = new SharedArrayBuffer(count * 2);
  new Uint16Array(targetPorts).set(portList);
  const cursor = new SharedArrayBuffer(8);
  const wanted = options.threads ?? (count >= THREADED_FROM ? Math.min(availableParallelism(), 4) : 1);
  const lanes = Number.isFinite(wanted) ? Math.max(1, Math.min(Math.floor(wanted), 64, limits.concurrency, count)) : 1;
  const handles = options.connector !== 'socket';
  const common = {
    addresses,
    targetHosts,
    targetPorts,
    cursor,
    ...(limits.rate > 0 ? { rateClock: new SharedArrayBuffer(8) } : {}),
    rateIntervalUs: limits.rate > 0 ? 1e6 / limits.rate : 0,
    maxTimeoutMs: limits.maxTimeoutMs,
    minTimeoutMs: limits.minTimeoutMs,
    retries: limits.retries,
    batchSize: BATCH_SIZE,
  };
  const jobs: LoopJob[] = Array.from({ length: lanes }, (_, i) => {
    const slots = Math.floor(limits.concurrency / lanes) + (i < limits.concurrency % lanes ? 1 : 0);
    return { ...common, slots, initialSlots: Math.min(slots, INITIAL_SLOTS) };
  });

  return new Promise((resolve, reject) => {
    let running = lanes;
    let failed = false;
    const workers: Worker[] = [];
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      Atomics.store(new Int32Array(cursor), 1, 1);
      for (const w of workers) void w.terminate();
      reject(err);
    };
    const onBatch = (batch: Int32Array) => {
      if (failed) return;
      try {
        for (let k = 0; k < batch.length; k += 3) {
          const t = batch[k] as number;
          const result: PortResult = {
            host: hosts[hostIndex[t] as number] as string,
            port: portList[t] as number,
            state: STATES[batch[k + 1] as number] ?? 'filtered',
            attempts: batch[k + 2] as number,
          };
          results.push(result);
          options.onResult?.(result, results.length, total);
        }
      } catch (e) {
        fail(e);
      }
    };
    const laneDone = () => {
      if (--running === 0 && !failed) resolve();
    };
    for (const job of jobs.slice(1)) {
      let worker: Worker;
      try {
        // No execArgv: the worker runs plain JavaScript and needs none of the parent's loaders.
        worker = new Worker(scanWorkerSource(), { eval: true, workerData: { job, handles }, execArgv: [] });
      } catch (e) {
        fail(e);
        return;
      }
      let finished = false;
      worker.on('message', (batch: Int32Array | null) => {
        if (batch !== null) return onBatch(batch);
        finished = true;
        laneDone();
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (!finished) fail(new Error(`fil de scan arrêté avant la fin (code ${code})`));
      });
      workers.push(worker);
    }
    // The calling thread's share starts while the workers boot.
    const raw = handles ? rawTcp(process, getSystemErrorName) : undefined;
    connectLoop({ Socket, raw }, jobs[0] as LoopJob, onBatch, laneDone);
  });
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
