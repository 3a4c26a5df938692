import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBundle } from '../src/bundle.js';

const D = 'S-1-5-21-7-8-9';
const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const work = mkdtempSync(join(tmpdir(), 'rempart-ad-import-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cli(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const main = new URL('../../cli/src/main.ts', import.meta.url).pathname;
    const p = spawn(process.execPath, ['--import', 'tsx', main, 'ad', ...args]);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const svc = {
  ObjectIdentifier: `${D}-1105`,
  Properties: {
    samaccountname: 'svc-pacs',
    distinguishedname: 'CN=svc-pacs,CN=Users,DC=chu,DC=test',
    enabled: true,
    serviceprincipalnames: ['HTTP/pacs'],
  },
};
const sharphound = (version: number) =>
  zipSync({
    'a_users.json': enc({ data: [svc], meta: { type: 'users', version } }),
    'a_groups.json': enc({
      data: [
        {
          ObjectIdentifier: `${D}-512`,
          Properties: { samaccountname: 'Domain Admins' },
          Members: [{ ObjectIdentifier: `${D}-1105` }],
        },
      ],
      meta: { type: 'groups', version },
    }),
    'a_computers.json': enc({ data: [], meta: { type: 'computers', version } }),
    'a_domains.json': enc({
      data: [{ ObjectIdentifier: D, Properties: { name: 'CHU.TEST' } }],
      meta: { type: 'domains', version },
    }),
  });

describe('rempart ad import (offline collections)', () => {
  it('imports a SharpHound zip into a JSON bundle with the Kerberoastable admin and non-evaluated ACL points', async () => {
    const zip = join(work, 'bh.zip');
    writeFileSync(zip, sharphound(6));
    const out = join(work, 'bh.json');
    const html = join(work, 'bh.html');
    const r = await cli(['import', zip, '--json', out, '--html', html]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const b = parseBundle(readFileSync(out, 'utf8'));
    expect(b.findings.find((f) => f.ruleId === 'P-Kerberoasting')?.affected.map((a) => a.name)).toEqual(['svc-pacs']);
    expect(b.findings.some((f) => f.status === 'not_evaluated')).toBe(true);
    expect(readFileSync(html, 'utf8')).toContain('<html');
  }, 60_000);

  it('imports an ldapdomaindump directory', async () => {
    const dir = join(work, 'ldd');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'domain_policy.json'),
      JSON.stringify([{ dn: 'DC=chu,DC=test', attributes: { objectSid: [D], 'ms-DS-MachineAccountQuota': [10] } }]),
    );
    writeFileSync(
      join(dir, 'domain_users.json'),
      JSON.stringify([
        {
          dn: 'CN=bob,CN=Users,DC=chu,DC=test',
          attributes: { objectSid: [`${D}-1200`], sAMAccountName: ['bob'], userAccountControl: [512 | 0x400000] },
        },
      ]),
    );
    const out = join(work, 'ldd.json');
    const r = await cli(['import', join(dir, 'domain_users.json'), '--json', out]);
    expect(r.code).toBe(0);
    const b = parseBundle(readFileSync(out, 'utf8'));
    const noPreAuth = b.findings.find((f) => f.ruleId === 'S-NoPreAuth');
    expect(noPreAuth?.affected.map((a) => a.name)).toEqual(['bob']);
  }, 60_000);

  it('a truncated zip and a wrong meta version give a clear error and no output', async () => {
    const trunc = join(work, 'trunc.zip');
    const whole = sharphound(6);
    writeFileSync(trunc, whole.slice(0, whole.length - 40));
    const v4 = join(work, 'v4.zip');
    writeFileSync(v4, sharphound(4));
    for (const [f, code] of [
      [trunc, 'AD_SH_TRUNCATED'],
      [v4, 'AD_SH_VERSION'],
    ] as const) {
      const out = join(work, 'never.json');
      const r = await cli(['import', f, '--json', out]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(code);
      expect(() => readFileSync(out)).toThrow();
    }
  }, 120_000);
});
