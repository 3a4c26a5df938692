// `rempart exposure scan` end to end on loopback: a listener of this test, the scope file, options and
// their refusals, the progress shown and the JSON bundle written.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'rempart-exposure-cli-'));
const scope = join(dir, 'scope.yaml');
let server: Server;
let openPort = 0;
let closedPort = 0;
let sink: Server | undefined;
let holder: Socket | undefined;

/** Runs `rempart` asynchronously: the listener it scans lives in this process. */
function rempart(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const listen = (onConnection: (s: import('node:net').Socket) => void) =>
  new Promise<Server>((resolve) => {
    // The scan closes its probe connections with an RST: the listener's writes may then fail.
    const s = createServer((socket) => {
      socket.on('error', () => {});
      onConnection(socket);
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });

beforeAll(async () => {
  server = await listen((s) => s.end('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'));
  openPort = (server.address() as { port: number }).port;
  // A refused port for the whole file: the local end of a connection kept open to a silent listener. Nothing
  // listens there and nothing else can (a port bound and closed again may go to a listener of a suite alongside).
  sink = await listen(() => {});
  holder = connect((sink.address() as { port: number }).port, '127.0.0.1');
  holder.on('error', () => {});
  await once(holder, 'connect');
  closedPort = holder.localPort as number;
  writeFileSync(scope, 'establishment: CH Test\ndomains: []\nranges:\n  - 127.0.0.1/32\n');
});

afterAll(() => {
  holder?.destroy();
  sink?.close();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('rempart exposure scan', { timeout: 60_000 }, () => {
  test('scans the declared loopback range with the given limits and writes the bundle', async () => {
    const json = join(dir, 'result.json');
    const r = await rempart([
      'exposure',
      'scan',
      '--scope',
      scope,
      '--lab',
      '--ports',
      `${openPort},${closedPort}`,
      '--rate',
      '50',
      '--concurrency',
      '2',
      '--timeout',
      '500',
      '--retries',
      '0',
      '--json',
      json,
    ]);
    expect(r.err).toContain('100 % 2/2 ports · 1 ouvert(s)');
    expect(r.err).toContain('1/1 services identifiés');
    expect(r.code).toBe(0);
    const bundle = JSON.parse(readFileSync(json, 'utf8'));
    const ports = bundle.observations.filter((o: { kind: string }) => o.kind === 'port');
    expect(ports.map((o: { host: string; port: number }) => `${o.host}:${o.port}`)).toEqual([`127.0.0.1:${openPort}`]);
    expect(bundle.findings.map((f: { ruleId: string }) => f.ruleId)).toContain('EXP-SSH');
  });

  test('refuses bad limits and a loopback scope without --lab, scanning nothing', async () => {
    for (const [option, value] of [
      ['--rate', 'vite'],
      ['--rate', '0'],
      ['--concurrency', '100000'],
      ['--timeout', '-5'],
      ['--retries', '1.5'],
    ] as const) {
      const r = await rempart(['exposure', 'scan', '--scope', scope, '--lab', option, value]);
      expect(r.code, `${option} ${value}`).toBe(2);
      expect(r.err).toContain(option);
      expect(r.err).not.toContain('ports ·');
    }
    const unlabelled = await rempart(['exposure', 'scan', '--scope', scope, '--ports', String(openPort)]);
    expect(unlabelled.code).toBe(2);
    expect(unlabelled.err).not.toContain('ports ·');
  });
});
