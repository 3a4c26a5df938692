import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SambaDc {
  dir: string;
  realm: string;
  baseDn: string;
  adminDn: string;
  adminPass: string;
  caFile: string;
  confFile: string;
  process: ChildProcess;
  /** samba-tool against the running DC's sam.ldb, with the test's smb.conf. */
  tool(args: string[]): Promise<string>;
  /** ldapmodify over LDAPS as Administrator. */
  ldapModify(ldif: string): Promise<void>;
  stop(): Promise<void>;
}

async function waitForPort(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`samba n'écoute pas sur 127.0.0.1:${port} à temps`);
}

/** Provisions a throw-away Samba AD DC in a temp dir and starts it on loopback. Throws if samba is missing. */
export async function startSambaDc(opts: { realm?: string; domain?: string } = {}): Promise<SambaDc> {
  const realm = opts.realm ?? 'HOPITAL.TEST';
  const domain = opts.domain ?? 'HOPITAL';
  const adminPass = 'Rempart-Adm1n!2026';
  const dir = mkdtempSync(join(tmpdir(), 'rempart-samba-'));
  try {
    await run(
      'samba-tool',
      [
        'domain',
        'provision',
        `--realm=${realm}`,
        `--domain=${domain}`,
        `--adminpass=${adminPass}`,
        '--dns-backend=NONE',
        '--server-role=dc',
        '--use-rfc2307',
        `--targetdir=${dir}`,
        '--option=interfaces=lo',
        '--option=bind interfaces only=yes',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `samba-tool domain provision a échoué (paquets samba / samba-ad-dc installés ?) : ${(e as Error).message}`,
    );
  }
  const confFile = join(dir, 'etc', 'smb.conf');
  const proc = spawn('samba', ['-i', '-s', confFile, '--debuglevel=0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) =>
    proc.once('exit', (c) => reject(new Error(`samba s'est arrêté (code ${c}) : ${stderr}`))),
  );
  exited.catch(() => {});
  await Promise.race([waitForPort(636, Date.now() + 90_000), exited]);
  const baseDn = realm
    .toLowerCase()
    .split('.')
    .map((p) => `DC=${p}`)
    .join(',');
  const dc: SambaDc = {
    dir,
    realm,
    baseDn,
    adminDn: `CN=Administrator,CN=Users,${baseDn}`,
    adminPass,
    caFile: join(dir, 'private', 'tls', 'ca.pem'),
    confFile,
    process: proc,
    async tool(args) {
      const { stdout } = await run('samba-tool', [...args, '-s', confFile], { maxBuffer: 64 * 1024 * 1024 });
      return stdout;
    },
    async ldapModify(ldif) {
      await new Promise<void>((resolve, reject) => {
        const p = spawn('ldapmodify', ['-H', 'ldaps://127.0.0.1', '-x', '-D', dc.adminDn, '-w', adminPass], {
          env: { ...process.env, LDAPTLS_CACERT: dc.caFile, LDAPTLS_REQCERT: 'allow' },
          stdio: ['pipe', 'ignore', 'pipe'],
        });
        let err = '';
        p.stderr.on('data', (d: Buffer) => {
          err += d.toString();
        });
        p.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`ldapmodify ${c}: ${err}`))));
        p.stdin.end(ldif);
      });
    },
    async stop() {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        // samba forks its service processes into the group we created with detached: signal the whole group.
        const signal = (sig: NodeJS.Signals) => {
          try {
            if (proc.pid) process.kill(-proc.pid, sig);
          } catch {
            proc.kill(sig);
          }
        };
        signal('SIGTERM');
        const t = setTimeout(() => signal('SIGKILL'), 5000);
        await done;
        clearTimeout(t);
      }
      // samba's forked workers may still flush files for a moment after the main process exits.
      for (let attempt = 0; ; attempt++) {
        try {
          rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
          break;
        } catch (e) {
          if (attempt >= 20) throw e;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    },
  };
  return dc;
}
