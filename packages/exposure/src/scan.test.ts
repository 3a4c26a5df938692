import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRuleSet } from './rules/rules.js';
import { loadState, ScanStateError, scanExposure } from './scan.js';

let dir = '';
let server: Server;
let port = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rempart-exposure-scan-'));
  // A Telnet-like service: IAC negotiation then a login prompt.
  server = createServer((s) => {
    s.on('error', () => {});
    s.end(Buffer.concat([Buffer.from([0xff, 0xfd, 0x18]), Buffer.from('login: ')]));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});

afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('scanExposure', () => {
  it('scans, identifies and applies the rules on loopback, keeping a resumable state', async () => {
    const stateFile = join(dir, 'state.json');
    const r = await scanExposure(['127.0.0.1'], [port], defaultRuleSet(), { stateFile, timeoutMs: 1000 });
    expect(r.ports).toEqual([{ host: '127.0.0.1', port, state: 'open', attempts: 1 }]);
    expect(r.services.map((s) => s.service)).toEqual(['telnet']);
    expect(loadState(stateFile).services).toHaveLength(1);
  });

  it('refuses a damaged, foreign or hostile state file with a stable code', () => {
    const cases = [
      '{"version":1,"ports":[',
      '{"version":2,"ports":[],"services":[]}',
      JSON.stringify({ version: 1, ports: [{ host: 'x', port: 70_000, state: 'open', attempts: 1 }], services: [] }),
      '[]',
    ];
    for (const text of cases) {
      const f = join(dir, 'bad.json');
      writeFileSync(f, text);
      expect(() => loadState(f)).toThrow(ScanStateError);
      try {
        loadState(f);
      } catch (e) {
        expect((e as ScanStateError).code).toBe('SCAN_STATE_INVALID');
      }
    }
  });
});
