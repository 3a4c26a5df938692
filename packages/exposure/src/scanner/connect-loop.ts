// The probing loop of the TCP connect scan. It runs either in the calling thread or inside scan worker
// threads; for the latter its source text is sent to the worker (see tcp-connect.ts), so `connectLoop`
// must stay self-contained: it may use only its parameters and JavaScript/Node globals, no imports and
// nothing from this module's scope.

/** Outcome codes in reported batches (connectLoop writes the same literals: it cannot read these). */
export const OUTCOME_OPEN = 1;
export const OUTCOME_CLOSED = 2;
export const OUTCOME_FILTERED = 3;

/** What one thread needs to probe its share of a scan. Buffers are shared between threads. */
export interface LoopJob {
  /** Target addresses (numeric IPs: the loop never resolves names). */
  readonly addresses: readonly string[];
  /** Int32Array: index into `addresses` of each target. */
  readonly targetHosts: SharedArrayBuffer | ArrayBuffer;
  /** Uint16Array: port of each target. */
  readonly targetPorts: SharedArrayBuffer | ArrayBuffer;
  /**
   * Int32Array[2]: [0] next unclaimed target, claimed by every thread so load balances itself; [1] set to
   * 1 to stop (no new attempt starts, retries are dropped).
   */
  readonly cursor: SharedArrayBuffer | ArrayBuffer;
  /** BigInt64Array[1]: earliest time (µs since the epoch) of the next attempt under the rate limit; absent when unlimited. */
  readonly rateClock?: SharedArrayBuffer | ArrayBuffer;
  /** Minimum spacing of attempts across all threads, in µs (0 = unlimited). */
  readonly rateIntervalUs: number;
  /** Most sockets this thread keeps in flight. */
  readonly slots: number;
  /** Sockets in flight at the start (the window then grows while the thread waits on the network). */
  readonly initialSlots: number;
  /** Timeout of an attempt before any RTT is measured, and upper bound of every timeout. */
  readonly maxTimeoutMs: number;
  /** Lower bound of the RTT-derived timeout. */
  readonly minTimeoutMs: number;
  /** Extra attempts for a target that timed out. */
  readonly retries: number;
  /** Results are reported in batches of at most this many targets (and at least every ~100 ms). */
  readonly batchSize: number;
}

/**
 * libuv TCP handles as Node's own `net` module drives them: one handle and one connect request per
 * attempt, with none of a stream socket's machinery (stream state, event emitters, error objects). A
 * refused probe costs a few microseconds of JavaScript instead of tens, which leaves the scan bound by
 * the kernel's own connect work, as nmap is. Reached through `process.binding`, deprecated for
 * documentation only since Node 11 and kept by Node for compatibility; `rawTcp` returns undefined
 * wherever it is missing, and the loop then uses `net.Socket`.
 */
export interface RawTcp {
  readonly TCP: new (type: number) => RawHandle;
  readonly TCPConnectWrap: new () => { oncomplete: (status: number) => void };
  readonly SOCKET: number;
  /** Name of a libuv error status (`util.getSystemErrorName`). */
  readonly errorName: (status: number) => string;
}

export interface RawHandle {
  connect(req: object, address: string, port: number): number;
  connect6(req: object, address: string, port: number): number;
  /** Closes with an RST (SO_LINGER 0), as `socket.resetAndDestroy()` does. */
  reset?(callback: () => void): number;
  close(callback?: () => void): void;
}

/** The raw TCP binding of this Node, or undefined. Self-contained: its source is also sent to scan workers. */
export function rawTcp(proc: NodeJS.Process, errorName: (status: number) => string): RawTcp | undefined {
  try {
    // biome-ignore lint/suspicious/noExplicitAny: the binding has no published types
    const binding = (proc as any).binding('tcp_wrap');
    const { TCP, TCPConnectWrap, constants } = binding ?? {};
    if (typeof TCP !== 'function' || typeof TCPConnectWrap !== 'function' || typeof constants?.SOCKET !== 'number')
      return undefined;
    const probe = new TCP(constants.SOCKET);
    const usable = typeof probe.connect === 'function' && typeof probe.connect6 === 'function';
    probe.close();
    return usable ? { TCP, TCPConnectWrap, SOCKET: constants.SOCKET, errorName } : undefined;
  } catch {
    return undefined;
  }
}

/** What the loop probes with (passed in, since the loop cannot import): raw handles when given, else sockets. */
export interface LoopNet {
  readonly Socket: typeof import('node:net').Socket;
  readonly raw?: RawTcp | undefined;
}

/**
 * Probes targets claimed from the shared cursor until none is left, with `job.slots` sockets in flight.
 * Each attempt is a TCP connect: open on connect, closed on refusal (RST), filtered on another error
 * (ICMP unreachable) or, once its attempts are spent, on timeout. Timeouts follow the measured RTT
 * (srtt + 4·rttvar, RFC 6298, per host) within [minTimeoutMs, maxTimeoutMs] and double on each retry,
 * as nmap does. `report` receives Int32Array batches of (target, outcome, attempts) triples; `finish`
 * is called once everything this thread claimed is settled.
 */
export function connectLoop(net: LoopNet, job: LoopJob, report: (batch: Int32Array) => void, finish: () => void): void {
  const hostOf = new Int32Array(job.targetHosts);
  const portOf = new Uint16Array(job.targetPorts);
  const cursor = new Int32Array(job.cursor);
  const rateClock = job.rateClock && job.rateIntervalUs > 0 ? new BigInt64Array(job.rateClock) : undefined;
  const rateStep = BigInt(Math.max(0, Math.round(job.rateIntervalUs)));
  const total = hostOf.length;
  const attempts = new Uint8Array(total);
  // Per-host smoothed RTT and variance in ms (-1: no sample yet), plus a thread-wide estimate for hosts
  // not yet measured.
  const srtt = new Float64Array(job.addresses.length).fill(-1);
  const rttvar = new Float64Array(job.addresses.length);
  let anySrtt = -1;
  let anyVar = 0;
  const retryQueue: number[] = [];
  let batch = new Int32Array(job.batchSize * 3);
  let batchLength = 0;
  let lastFlush = performance.now();
  let busy = 0;
  let exhausted = false;
  let finished = false;

  const LOCAL_ERRORS = new Set(['EADDRNOTAVAIL', 'EADDRINUSE', 'EMFILE', 'ENFILE', 'ENOBUFS', 'EAGAIN', 'ENOMEM']);
  const PENDING = 0;
  const OPEN = 1;
  const CLOSED = 2;
  const UNREACHABLE = 3;
  const TIMED_OUT = 4;
  const LOCAL_FAILURE = 5;

  const flush = () => {
    if (batchLength === 0) return;
    report(batch.slice(0, batchLength));
    batchLength = 0;
    lastFlush = performance.now();
  };
  const settle = (target: number, outcome: number) => {
    batch[batchLength++] = target;
    batch[batchLength++] = outcome;
    batch[batchLength++] = attempts[target] as number;
    if (batchLength === batch.length) {
      report(batch);
      batch = new Int32Array(job.batchSize * 3);
      batchLength = 0;
      lastFlush = performance.now();
    }
  };
  const sample = (host: number, rtt: number) => {
    const s = srtt[host] as number;
    if (s < 0) {
      srtt[host] = rtt;
      rttvar[host] = rtt / 2;
    } else {
      rttvar[host] = 0.75 * (rttvar[host] as number) + 0.25 * Math.abs(s - rtt);
      srtt[host] = 0.875 * s + 0.125 * rtt;
    }
    if (anySrtt < 0) {
      anySrtt = rtt;
      anyVar = rtt / 2;
    } else {
      anyVar = 0.75 * anyVar + 0.25 * Math.abs(anySrtt - rtt);
      anySrtt = 0.875 * anySrtt + 0.125 * rtt;
    }
  };
  const timeoutFor = (host: number, attempt: number) => {
    const s = srtt[host] as number;
    const base = s >= 0 ? s + 4 * (rttvar[host] as number) : anySrtt >= 0 ? anySrtt + 4 * anyVar : job.maxTimeoutMs;
    const bounded = Math.min(job.maxTimeoutMs, Math.max(job.minTimeoutMs, base));
    return Math.min(job.maxTimeoutMs, bounded * 2 ** (attempt - 1));
  };
  const claim = () => {
    if (Atomics.load(cursor, 1) !== 0) {
      exhausted = true;
      retryQueue.length = 0;
      return -1;
    }
    const retry = retryQueue.shift();
    if (retry !== undefined) return retry;
    if (exhausted) return -1;
    const next = Atomics.add(cursor, 0, 1);
    if (next < total) return next;
    exhausted = true;
    return -1;
  };
  // Waiting time (ms) before the next attempt may start under the shared rate limit.
  const rateWait = () => {
    if (!rateClock) return 0;
    const now = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
    for (;;) {
      const next = Atomics.load(rateClock, 0);
      const slot = next > now ? next : now;
      if (Atomics.compareExchange(rateClock, 0, next, slot + rateStep) === next) return Number(slot - now) / 1000;
    }
  };

  interface Slot {
    target: number;
    deadline: number;
    launch(): void;
    expire(): void;
  }
  const slots: Slot[] = [];
  const done = () => {
    if (finished || busy > 0 || retryQueue.length > 0 || !exhausted) return;
    finished = true;
    clearInterval(sweep);
    flush();
    finish();
  };

  // The end of an attempt: reported, or queued for a retry while attempts remain (a timeout or a local
  // failure), then the slot takes the next target.
  const conclude = (slot: Slot, outcome: number) => {
    const target = slot.target;
    slot.deadline = Number.POSITIVE_INFINITY;
    if (outcome === OPEN) settle(target, 1);
    else if (outcome === CLOSED) settle(target, 2);
    else if (outcome === UNREACHABLE) settle(target, 3);
    else if ((attempts[target] as number) <= job.retries) retryQueue.push(target);
    else settle(target, 3);
    slot.launch();
  };
  const errorOutcome = (code: string | undefined) =>
    code === 'ECONNREFUSED' ? CLOSED : LOCAL_ERRORS.has(code ?? '') ? LOCAL_FAILURE : UNREACHABLE;

  // A slot runs one attempt at a time; `begin` starts the attempt of `slot.target` (set by `launch`).
  const newSlot = (begin: (slot: Slot, started: number) => void, expire: () => void): Slot => {
    const slot: Slot = {
      target: -1,
      deadline: Number.POSITIVE_INFINITY,
      launch: () => {
        const target = claim();
        slot.target = target;
        slot.deadline = Number.POSITIVE_INFINITY;
        if (target < 0) {
          busy--;
          done();
          return;
        }
        attempts[target] = (attempts[target] as number) + 1;
        const wait = rateWait();
        if (wait > 0) setTimeout(start, wait);
        else start();
      },
      expire,
    };
    const start = () => {
      const started = performance.now();
      slot.deadline = started + timeoutFor(hostOf[slot.target] as number, attempts[slot.target] as number);
      begin(slot, started);
    };
    return slot;
  };

  const makeRawSlot = (raw: RawTcp): Slot => {
    let handle: RawHandle | undefined;
    let attempt = 0;
    const end = (slot: Slot, outcome: number) => {
      const h = handle as RawHandle;
      handle = undefined;
      attempt++;
      // An RST rather than a FIN for an open port, as nmap does: the service is not left holding a
      // half-closed connection.
      if (outcome !== OPEN || !h.reset || h.reset(() => {}) !== 0) h.close();
      conclude(slot, outcome);
    };
    const slot = newSlot(
      (s, started) => {
        const current = ++attempt;
        const host = hostOf[s.target] as number;
        const address = job.addresses[host] as string;
        handle = new raw.TCP(raw.SOCKET);
        const req = new raw.TCPConnectWrap();
        req.oncomplete = (status: number) => {
          if (current !== attempt) return; // answered after its timeout
          const outcome = status === 0 ? OPEN : errorOutcome(raw.errorName(status));
          if (outcome === OPEN || outcome === CLOSED) sample(host, performance.now() - started);
          end(s, outcome);
        };
        const port = portOf[s.target] as number;
        const status = address.includes(':') ? handle.connect6(req, address, port) : handle.connect(req, address, port);
        // Refused before any packet left (no route, no free port): answered on the next turn of the loop.
        if (status !== 0) setImmediate(() => req.oncomplete(status));
      },
      () => {
        if (handle !== undefined) end(slot, TIMED_OUT);
      },
    );
    return slot;
  };

  const makeSocketSlot = (): Slot => {
    const socket = new net.Socket();
    let outcome = PENDING;
    let started = 0;
    const slot = newSlot(
      (s, at) => {
        outcome = PENDING;
        started = at;
        socket.connect(portOf[s.target] as number, job.addresses[hostOf[s.target] as number] as string);
      },
      () => {
        if (slot.target < 0 || outcome !== PENDING) return;
        outcome = TIMED_OUT;
        slot.deadline = Number.POSITIVE_INFINITY;
        socket.destroy();
      },
    );
    socket.on('connect', () => {
      if (outcome !== PENDING) return;
      outcome = OPEN;
      sample(hostOf[slot.target] as number, performance.now() - started);
      // An RST rather than a FIN, as nmap does (see makeRawSlot).
      socket.resetAndDestroy();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (outcome !== PENDING) return;
      outcome = errorOutcome(err.code);
      if (outcome === CLOSED) sample(hostOf[slot.target] as number, performance.now() - started);
    });
    socket.on('close', () => conclude(slot, outcome));
    return slot;
  };
  const makeSlot = () => (net.raw ? makeRawSlot(net.raw) : makeSocketSlot());

  // Sockets in flight start few and double while the thread waits on the network (event-loop
  // utilisation under 75 %), up to `job.slots`: answers arriving faster than the thread can handle them
  // need no more, and fewer live sockets cost less CPU; slow or silent targets grow the window.
  const maxSlots = Math.max(0, Math.min(job.slots, total));
  const grow = (n: number) => {
    const added: Slot[] = [];
    for (let i = 0; i < n; i++) added.push(makeSlot());
    slots.push(...added);
    busy += added.length;
    for (const slot of added) slot.launch();
  };
  const tick = Math.max(5, Math.min(50, job.minTimeoutMs / 4));
  let eluMark = performance.eventLoopUtilization();
  const sweep = setInterval(() => {
    const now = performance.now();
    const due = slots.filter((slot) => slot.deadline <= now);
    // Expire in the check phase, after the poll phase: a connection the kernel completed while this
    // thread was starved of CPU is then seen as answered rather than counted as a timeout.
    if (due.length > 0)
      setImmediate(() => {
        for (const slot of due) if (slot.deadline <= now) slot.expire();
      });
    if (now - lastFlush >= 100) flush();
    const elu = performance.eventLoopUtilization();
    const busyShare = performance.eventLoopUtilization(elu, eluMark).utilization;
    eluMark = elu;
    if (!exhausted && slots.length < maxSlots && busyShare < 0.75)
      grow(Math.min(maxSlots - slots.length, slots.length));
  }, tick);
  exhausted = maxSlots === 0;
  if (maxSlots === 0) done();
  else grow(Math.min(maxSlots, job.initialSlots));
}
