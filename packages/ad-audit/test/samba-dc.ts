import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
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
  /**
   * Applies LDIF straight to sam.ldb as the local system, through Samba's own LDB modules (as samba-tool
   * does): for what the LDAP server refuses, e.g. trustedDomain objects (LSA-only over LDAP). With
   * bypassModules, writes the partition file with no module at all, to set what Samba maintains itself
   * (whenChanged).
   */
  samLdb(ldif: string, opts?: { bypassModules?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Python run with Samba's bindings (the interpreter of samba-tool): argv = smb.conf, sam.ldb, mode; LDIF on
 * stdin. "modules" goes through SamDB as system; "raw" opens the partition file holding the entries.
 */
const SAM_LDB_PY = `
import os, sys, ldb
conf, sam, mode = sys.argv[1:4]
text = sys.stdin.read()
if mode == 'raw':
    d = sam + '.d'
    parts = [f[:-4] for f in os.listdir(d) if f.endswith('.ldb')]
    def partition_of(dn):
        m = [p for p in parts if dn.upper().endswith(p)]
        if not m: raise SystemExit('no partition for ' + dn)
        return max(m, key=len)
    for changetype, msg in ldb.Ldb().parse_ldif(text):
        db = ldb.Ldb(url=os.path.join(d, partition_of(str(msg.dn)) + '.ldb'), options=['modules:'])
        db.modify(msg)
else:
    from samba.param import LoadParm
    from samba.samdb import SamDB
    from samba.auth import system_session
    lp = LoadParm()
    lp.load(conf)
    SamDB(url=sam, session_info=system_session(), lp=lp).modify_ldif(text)
`;
const SAMBA_PYTHON = '/usr/bin/python3';

/** The AD LDAP ports of Samba are fixed (no smb.conf option): 636 is the one the tests use. */
const LDAPS_PORT = 636;

/** Inodes of the TCP sockets listening on the port (any address), from /proc/net/tcp{,6}. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // f[1] local address:port, f[3] state (0A = LISTEN), f[9] inode
      if (f.length > 9 && f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A' && f[9]) inodes.add(f[9]);
    }
  }
  return inodes;
}

/** Pids of the processes in the process group (samba forks its listeners into the group we created). */
function processGroupPids(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // fields after the parenthesised command: state ppid pgrp …
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) === pgid) pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Whether one of the listening sockets of the port is held by a process of our samba's group. */
export function portOwnedByGroup(port: number, pgid: number): { listening: boolean; ours: boolean } {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return { listening: false, ours: false };
  for (const pid of processGroupPids(pgid)) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1] as string)) return { listening: true, ours: true };
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return { listening: true, ours: false };
}

/** Fails unless nothing listens on the port: the tests must never reach another DC by mistake. */
export function assertPortFree(port: number): void {
  if (listeningInodes(port).size > 0)
    throw new Error(
      `le port ${port} est déjà occupé par un autre processus (un autre Samba ?) : ` +
        'le contrôleur de test ne peut pas démarrer sans risquer de tester le mauvais annuaire',
    );
}

/** Waits until a process of our samba's group listens on the port; fails if someone else holds it. */
async function waitForOwnPort(port: number, pgid: number, deadline: number): Promise<void> {
  let foreignSince: number | null = null;
  while (Date.now() < deadline) {
    const { listening, ours } = portOwnedByGroup(port, pgid);
    if (ours) return;
    if (listening) {
      // Another process took the port between our check and samba's bind: samba will not get it.
      foreignSince ??= Date.now();
      if (Date.now() - foreignSince > 5000)
        throw new Error(`le port ${port} est tenu par un processus qui n'est pas notre samba (pid ${pgid})`);
    } else foreignSince = null;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`notre samba (pid ${pgid}) n'écoute pas sur le port ${port} à temps`);
}

/** Provisions a throw-away Samba AD DC in a temp dir and starts it on loopback. Throws if samba is missing. */
export async function startSambaDc(
  opts: {
    realm?: string;
    domain?: string;
    /** Runs after provisioning, before samba starts (e.g. bulk-loading sam.ldb offline). */
    beforeStart?: (paths: { dir: string; confFile: string; samLdb: string; baseDn: string }) => Promise<void>;
  } = {},
): Promise<SambaDc> {
  const realm = opts.realm ?? 'HOPITAL.TEST';
  const domain = opts.domain ?? 'HOPITAL';
  const adminPass = 'Rempart-Adm1n!2026';
  // Checked before the long provisioning, and again just before samba starts.
  assertPortFree(LDAPS_PORT);
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
  const baseDn = realm
    .toLowerCase()
    .split('.')
    .map((p) => `DC=${p}`)
    .join(',');
  try {
    await opts.beforeStart?.({ dir, confFile, samLdb: join(dir, 'private', 'sam.ldb'), baseDn });
    assertPortFree(LDAPS_PORT);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
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
  try {
    await Promise.race([waitForOwnPort(LDAPS_PORT, proc.pid as number, Date.now() + 90_000), exited]);
  } catch (e) {
    try {
      if (proc.pid) process.kill(-proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    throw e;
  }
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
    async samLdb(ldif, opts = {}) {
      await new Promise<void>((resolve, reject) => {
        const mode = opts.bypassModules ? 'raw' : 'modules';
        const p = spawn(SAMBA_PYTHON, ['-c', SAM_LDB_PY, confFile, join(dir, 'private', 'sam.ldb'), mode], {
          stdio: ['pipe', 'ignore', 'pipe'],
        });
        let err = '';
        p.stderr.on('data', (d: Buffer) => {
          err += d.toString();
        });
        p.on('error', reject);
        p.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`sam.ldb (${mode}) ${c}: ${err}`))));
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
