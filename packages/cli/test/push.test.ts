import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '@rempart/ad-audit';
import {
  buildApp,
  createAccount,
  insertNode,
  issueToken,
  loadConfig,
  migrateToLatest,
  openDatabase,
} from '@rempart/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { aCleanDomain, NOW } from '../../ad-audit/test/builders.js';

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;
const CORPUS = new URL('../../../../shared/conformance/sigma', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'rempart-push-'));

/** Runs `rempart` asynchronously (the server answering it lives in this process). */
function rempart(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('rempart detect/exposure/ad --push to a real Rempart server', { timeout: 240_000 }, () => {
  let app: FastifyInstance;
  let base: string;
  let siteId: number;
  const handle = openDatabase({ kind: 'sqlite', file: join(dir, 'server.sqlite') });

  beforeAll(async () => {
    await migrateToLatest(handle);
    const nation = await insertNode(handle.db, { parentId: null, kind: 'nation', name: 'France' });
    const region = await insertNode(handle.db, {
      parentId: nation.id,
      kind: 'region',
      name: 'ARS Bretagne',
      regionCode: 'BRE',
    });
    const entity = await insertNode(handle.db, {
      parentId: region.id,
      kind: 'legal_entity',
      name: 'CH Test',
      finess: '350000139',
    });
    siteId = entity.id;
    const { id: userId } = await handle.db.transaction().execute((trx) =>
      createAccount(
        trx,
        {
          email: 'rssi@ch.fr',
          displayName: 'RSSI',
          passwordHash: null,
          role: 'establishment_rssi',
          organisationId: entity.id,
          detailedFindings: false,
          createdBy: null,
        },
        'http://localhost',
      ),
    );
    const issued = await handle.db.transaction().execute((trx) =>
      issueToken(trx, {
        name: 'detect',
        userId,
        organisationId: entity.id,
        role: 'establishment_rssi',
        expiresInDays: 1,
      }),
    );
    writeFileSync(join(dir, 'token'), `${issued.token}\n`);
    app = await buildApp({
      config: loadConfig({ LOG_LEVEL: 'silent', REMPART_DATA_DIR: dir }),
      db: handle.db,
      dialect: 'sqlite',
      logger: false,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('alerts reach the establishment: stored result, indicators, audit trail', async () => {
    const tokenFile = join(dir, 'token');
    const evtx = readdirSync(CORPUS, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((c) => join(CORPUS, c.name))
      .flatMap((c) =>
        readdirSync(c)
          .filter((f) => f.endsWith('.evtx'))
          .map((f) => join(c, f)),
      )
      .slice(0, 5);
    const r = await rempart(['detect', '--rules', CORPUS, ...evtx, '--push', base, '--token-file', tokenFile]);
    expect(r.err).toMatch(/résultat n° \d+ enregistré : \d+ alerte\(s\)/);
    expect(r.code).toBe(0);

    const stored = await handle.db.selectFrom('technical_result').selectAll().executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ organisation_id: siteId, engine: 'detect' });
    expect(stored.ruleset_version).toMatch(/^sigma-14\d-[0-9a-f]{12}$/);
    const bundle = JSON.parse(stored.bundle) as { alerts: unknown[]; files: number };
    expect(bundle.files).toBe(5);
    expect(bundle.alerts.length).toBeGreaterThanOrEqual(5);
    const indicators = await handle.db
      .selectFrom('indicator')
      .select(['key'])
      .where('organisation_id', '=', siteId)
      .execute();
    expect(indicators.map((i) => i.key).sort()).toEqual([
      'detect.alerts_critical',
      'detect.alerts_high',
      'detect.last_scan',
    ]);
    const trail = await handle.db
      .selectFrom('audit_event')
      .select(['action', 'actor'])
      .where('action', '=', 'result.pushed')
      .execute();
    expect(trail).toEqual([{ action: 'result.pushed', actor: 'jeton detect' }]);
  });

  test('rempart exposure import --push: the nmap result sets the D1 exposure indicators', async () => {
    const xml = join(dir, 'scan.xml');
    writeFileSync(
      xml,
      `<?xml version="1.0"?><nmaprun scanner="nmap" args="nmap -sT -sV" start="1764370000" version="7.93" xmloutputversion="1.05">
<host><status state="up"/><address addr="192.0.2.1" addrtype="ipv4"/><ports>
<port protocol="tcp" portid="3389"><state state="open" reason="syn-ack"/><service name="ms-wbt-server"/></port>
<port protocol="tcp" portid="104"><state state="open" reason="syn-ack"/><service name="dicom"/></port>
</ports></host></nmaprun>`,
    );
    const r = await rempart(['exposure', 'import', xml, '--push', base, '--token-file', join(dir, 'token')]);
    expect(r.err).toMatch(/résultat n° \d+ enregistré : score \d+/);
    expect(r.code).toBe(0);
    const indicators = await handle.db
      .selectFrom('indicator')
      .select(['key', 'value'])
      .where('key', 'like', 'exposure.%')
      .execute();
    expect(Object.fromEntries(indicators.map((i) => [i.key, JSON.parse(i.value)]))).toMatchObject({
      'exposure.exposed_admin_services': 1,
      'exposure.d1_cadence': false,
    });
    const noToken = await rempart(['exposure', 'import', xml, '--push', base]);
    expect(noToken.code).toBe(2);
  });

  test('rempart ad import --push: the audit sets the D1 AD indicator (ANSSI level)', async () => {
    const audit = runAudit(aCleanDomain(), { now: NOW });
    const file = join(dir, 'ad.json');
    writeFileSync(file, JSON.stringify(audit));
    const r = await rempart(['ad', 'import', file, '--push', base, '--token-file', join(dir, 'token')]);
    expect(r.err).toMatch(/résultat n° \d+ enregistré : chu\.test : niveau ANSSI \d/);
    expect(r.code).toBe(0);
    const level = await handle.db
      .selectFrom('indicator')
      .select('value')
      .where('key', '=', 'ad.anssi_level')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(level.value)).toBe(audit.anssiLevel);
    expect((await rempart(['ad', 'import', file, '--push', base])).code).toBe(2);
  });

  test('a wrong server, a revoked token or an unreachable URL give clear errors', async () => {
    const tokenFile = join(dir, 'forged');
    writeFileSync(tokenFile, `rmp_${'A'.repeat(43)}`);
    const evtx = join(CORPUS, readdirSync(CORPUS, { withFileTypes: true }).find((e) => e.isDirectory())!.name);
    const refused = await rempart(['detect', '--rules', CORPUS, evtx, '--push', base, '--token-file', tokenFile]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--push refused by the server');
    const unreachable = await rempart([
      'detect',
      '--rules',
      CORPUS,
      evtx,
      '--push',
      'http://127.0.0.1:9',
      '--token-file',
      tokenFile,
    ]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.err).toContain('unreachable');
  });
});
