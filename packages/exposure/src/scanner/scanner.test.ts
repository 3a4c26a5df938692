import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, LoopbackListeners, portsOutsideEphemeralRange } from '../../test/loopback-listeners.js';
import { grabBanner, printableBanner } from './banner.js';
import { connectScan, parsePorts } from './tcp-connect.js';

const listeners = new LoopbackListeners();
const listen = listeners.listen.bind(listeners);

let plain = 0;
let binary = 0;
let huge = 0;
let drip = 0;
let silent = 0;
let closedPort = 0;

beforeAll(async () => {
  plain = await listen((s) => s.end('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'));
  binary = await listen((s) => s.write(Buffer.from([0, 1, 2, 0xff, 0xfe, 0x1b, 0x5b, 0x32, 0x4a])));
  huge = await listen((s) => {
    const block = Buffer.alloc(64 * 1024, 0x41);
    const pump = () => {
      while (!s.destroyed && s.write(block)) {}
      if (!s.destroyed) s.once('drain', pump);
    };
    pump();
  });
  drip = await listen((s) => {
    const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write('x')), 50);
    s.on('close', () => clearInterval(t));
  });
  silent = await listen(() => {});
  // A port that refuses connections for the whole file (held by a connection of ours, nobody can listen there).
  closedPort = await listeners.closedPort();
});

afterAll(() => listeners.closeAll());

describe('TCP connect scan', () => {
  it('reports exactly the listening ports as open and the others closed', async () => {
    const ports = [plain, binary, silent, closedPort];
    const seen: number[] = [];
    const results = await connectScan([HOST], ports, {
      concurrency: 2,
      ratePerSecond: 200,
      onResult: (_r, done) => seen.push(done),
    });
    const state = Object.fromEntries(results.map((r) => [r.port, r.state]));
    expect(state).toEqual({ [plain]: 'open', [binary]: 'open', [silent]: 'open', [closedPort]: 'closed' });
    expect(results.every((r) => r.attempts === 1)).toBe(true);
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('gives the same answers from worker threads as from the calling thread, through handles or sockets', async () => {
    // 300 refused loopback ports besides the listeners, outside the ephemeral range: a listener of a suite running
    // alongside cannot open one of them between two of the scans compared.
    const ports = [...new Set([plain, binary, silent, closedPort, ...portsOutsideEphemeralRange(300)])];
    const inThread = await connectScan([HOST], ports, { threads: 1, concurrency: 32 });
    const state = new Map(inThread.map((r) => [r.port, r.state]));
    expect([plain, binary, silent, closedPort].map((p) => state.get(p))).toEqual(['open', 'open', 'open', 'closed']);
    for (const connector of ['handle', 'socket'] as const) {
      const seen: number[] = [];
      const threaded = await connectScan([HOST], ports, {
        threads: 2,
        concurrency: 32,
        connector,
        onResult: (_r, done) => seen.push(done),
      });
      expect(threaded, connector).toEqual(inThread);
      expect(seen).toEqual(Array.from({ length: ports.length }, (_, i) => i + 1));
      expect(await connectScan([HOST], ports, { threads: 1, concurrency: 32, connector }), connector).toEqual(inThread);
    }
  });

  it('stops and rejects with the error of a progress callback that throws, in either mode', async () => {
    const ports = Array.from({ length: 3000 }, (_, i) => 41_000 + i);
    for (const threads of [1, 2]) {
      let calls = 0;
      const scan = connectScan([HOST], ports, {
        threads,
        onResult: () => {
          if (++calls === 10) throw new Error('arrêt demandé');
        },
      });
      await expect(scan).rejects.toThrow('arrêt demandé');
    }
  });

  it('reports an unresolvable host name filtered without probing it', async () => {
    const results = await connectScan(['hote-inexistant.invalid', HOST], [closedPort], { threads: 1 });
    expect(results).toEqual([
      { host: HOST, port: closedPort, state: 'closed', attempts: 1 },
      { host: 'hote-inexistant.invalid', port: closedPort, state: 'filtered', attempts: 0 },
    ]);
  });

  it('skips targets already done in a resumed scan', async () => {
    const results = await connectScan([HOST], [plain, silent], { skip: new Set([`${HOST}:${plain}`]) });
    expect(results.map((r) => r.port)).toEqual([silent]);
  });

  it('parses port lists and rejects bad ones', () => {
    expect(parsePorts('443,22,80-82,22')).toEqual([22, 80, 81, 82, 443]);
    for (const bad of ['0', '65536', '10-5', 'abc', '1,,2', '-3'])
      expect(() => parsePorts(bad), bad).toThrow(RangeError);
    expect(parsePorts('1-65535')).toHaveLength(65535);
  });
});

describe('banner grabbing against hostile services', () => {
  it('reads a normal banner', async () => {
    const b = await grabBanner(HOST, plain);
    expect(b.bytes.toString()).toBe('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n');
    expect(b.truncated).toBe(false);
  });

  it('escapes a binary banner', async () => {
    const b = await grabBanner(HOST, binary, { idleMs: 200 });
    expect(printableBanner(b.bytes)).toBe('\\x00\\x01\\x02\\xff\\xfe\\x1b[2J');
  });

  it('stops a huge banner at the byte bound', async () => {
    const b = await grabBanner(HOST, huge, { maxBytes: 8192 });
    expect(b.bytes.length).toBe(8192);
    expect(b.truncated).toBe(true);
  });

  it('stops a slow-drip banner at the time bound', async () => {
    const b = await grabBanner(HOST, drip, { totalTimeoutMs: 400, idleMs: 300 });
    expect(b.timedOut).toBe(true);
    expect(b.bytes.length).toBeGreaterThan(0);
    expect(b.bytes.length).toBeLessThan(4096);
  });

  it('returns an empty banner from a silent service', async () => {
    const b = await grabBanner(HOST, silent, { idleMs: 150 });
    expect(b.bytes.length).toBe(0);
  });

  it('rejects on a refused connection', async () => {
    await expect(grabBanner(HOST, closedPort)).rejects.toThrow(/ECONNREFUSED/);
  });
});
