import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoFinessExtract } from '@rempart/core';
import { afterAll, describe, expect, test } from 'vitest';

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'rempart-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real `rempart` entry point (from source, through tsx) on a private SQLite database. */
function rempart(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, REMPART_DATA_DIR: dir, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Each case spawns the real command several times; on a loaded 2-core machine a spawn takes seconds.
describe('rempart foundation commands', { timeout: 240_000 }, () => {
  test('--help lists the commands and each command has its own help', () => {
    const top = rempart(['--help']);
    expect(top.code).toBe(0);
    for (const name of ['serve', 'migrate', 'import-finess', 'audit-verify', 'user', 'token'])
      expect(top.out).toContain(name);
    for (const name of ['serve', 'migrate', 'import-finess', 'audit-verify', 'user', 'token']) {
      const h = rempart([name, '--help']);
      expect(h.code, name).toBe(0);
      expect(h.out).toMatch(/^Usage: rempart /);
    }
    expect(rempart(['frobnicate']).code).toBe(2);
  });

  test('migrate, import the FINESS extract twice (idempotent), verify the audit chain', () => {
    expect(rempart(['migrate']).out).toContain('0001-foundation');
    const csv = join(dir, 'extract.csv');
    writeFileSync(csv, `${demoFinessExtract()}structureet;123;456\n`);
    const first = rempart(['import-finess', csv]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/créés : \d{3}, mis à jour : 0, inchangés : 0, rejetés : 1/);
    expect(first.out).toMatch(/ligne \d+ : 3 colonnes/);
    const second = rempart(['import-finess', csv]);
    expect(second.out).toMatch(/créés : 0, mis à jour : 0, inchangés : \d{3}, rejetés : 1/);
    const verify = rempart(['audit-verify']);
    expect(verify.code).toBe(0);
    expect(verify.out).toContain('2 événements vérifiés');
  });

  test('user create reads the password from the environment, never argv; token create checks the role', () => {
    const created = rempart(
      [
        'user',
        'create',
        '--email',
        'RSSI@chu.fr',
        '--name',
        'Rachid',
        '--role',
        'establishment_rssi',
        '--org',
        'BRE',
        '--password-env',
        'PW',
      ],
      { PW: 'a long enough passphrase' },
    );
    // establishment roles are granted on an establishment, not on a region
    expect(created.code).toBe(2);
    expect(created.err).toContain('invalid_grant');
    const region = rempart(
      [
        'user',
        'create',
        '--email',
        'ars@bre.fr',
        '--name',
        'ARS',
        '--role',
        'regional_referent',
        '--org',
        'BRE',
        '--password-env',
        'PW',
      ],
      {
        PW: 'a long enough passphrase',
      },
    );
    expect(region.code).toBe(0);
    expect(region.out).toContain('compte ars@bre.fr créé');
    const invited = rempart([
      'user',
      'create',
      '--email',
      'new@bre.fr',
      '--name',
      'New',
      '--role',
      'auditor',
      '--org',
      'nation',
    ]);
    expect(invited.out).toMatch(/reinitialisation\?jeton=[A-Za-z0-9_-]{20,}/);
    expect(
      rempart([
        'user',
        'create',
        '--email',
        'x@y.fr',
        '--name',
        'X',
        '--role',
        'auditor',
        '--org',
        'nation',
        '--password',
        'secret',
      ]).code,
    ).toBe(2);
    expect(
      rempart(
        [
          'user',
          'create',
          '--email',
          'x@y.fr',
          '--name',
          'X',
          '--role',
          'auditor',
          '--org',
          'nation',
          '--password-env',
          'PW',
        ],
        { PW: 'short' },
      ).code,
    ).toBe(2);

    const token = rempart([
      'token',
      'create',
      '--owner',
      'ars@bre.fr',
      '--org',
      'BRE',
      '--role',
      'regional_referent',
      '--name',
      'cli',
      '--days',
      '30',
    ]);
    expect(token.code).toBe(0);
    expect(token.out.trim()).toMatch(/^rmp_[A-Za-z0-9_-]{40,}$/);
    const refused = rempart([
      'token',
      'create',
      '--owner',
      'ars@bre.fr',
      '--org',
      'nation',
      '--role',
      'national_admin',
      '--name',
      'x',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('does not hold the role');
    expect(
      rempart([
        'token',
        'create',
        '--owner',
        'ars@bre.fr',
        '--org',
        "1'; drop table x",
        '--role',
        'auditor',
        '--name',
        'x',
      ]).code,
    ).toBe(2);
    expect(rempart(['audit-verify']).out).toContain('5 événements vérifiés');
  });

  test('missing files and bad options are clear errors', () => {
    const missing = rempart(['import-finess', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('file not found');
    expect(rempart(['import-finess', '--region', 'lowercase', 'x.csv']).code).toBe(2);
    expect(rempart(['serve', '--bogus']).code).not.toBe(0);
    const badEnv = rempart(['migrate'], { PORT: 'abc' });
    expect(badEnv.err).toContain('PORT');
  });
});
