// Builds the exposure testbed: a network namespace joined to the host by a veth pair, one address per
// planted service, real servers (Node listeners, OpenSSH sshd, Samba smbd) running inside the namespace.
// Only addresses inside this namespace are ever targeted. Missing tools throw: suites fail, never skip.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export interface PlantedService {
  readonly host: string;
  readonly port: number;
  readonly kind: 'http' | 'https' | 'ssh' | 'telnet' | 'smb' | 'dicom';
}

export interface Testbed {
  readonly namespace: string;
  readonly hostAddress: string;
  /** The /24 both ends live in, e.g. 10.213.57.0/24. */
  readonly cidr: string;
  /** Every address inside the namespace (planted services live on the first ones). */
  readonly addresses: string[];
  readonly services: PlantedService[];
  readonly dir: string;
  teardown(): void;
}

function need(tool: string): string {
  for (const d of ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    try {
      execFileSync('test', ['-x', join(d, tool)]);
      return join(d, tool);
    } catch {
      // next
    }
  }
  throw new Error(
    `outil requis absent : ${tool} (installer le paquet correspondant : iproute2, openssh-server, samba, openssl, nmap)`,
  );
}

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function waitOpen(host: string, port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = new Socket();
      s.setTimeout(500);
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      const retry = () => {
        s.destroy();
        if (Date.now() > until) reject(new Error(`service du banc de test non joignable : ${host}:${port}`));
        else setTimeout(attempt, 150);
      };
      s.once('error', retry);
      s.once('timeout', retry);
      s.connect(port, host);
    };
    attempt();
  });
}

function expiredSelfSigned(dir: string): { key: string; cert: string } {
  const openssl = need('openssl');
  const ca = join(dir, 'ca');
  mkdirSync(ca);
  writeFileSync(join(ca, 'index.txt'), '');
  writeFileSync(join(ca, 'serial'), '01\n');
  writeFileSync(
    join(ca, 'ca.cnf'),
    `[ca]\ndefault_ca=d\n[d]\ndir=${ca}\ndatabase=${ca}/index.txt\nnew_certs_dir=${ca}\nserial=${ca}/serial\ndefault_md=sha256\npolicy=p\nemail_in_dn=no\n[p]\ncommonName=supplied\n`,
  );
  const key = join(dir, 'tls.key');
  const cert = join(dir, 'tls.crt');
  run(openssl, [
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    join(ca, 'req.csr'),
    '-subj',
    '/CN=portail.testbed.invalid',
  ]);
  run(openssl, [
    'ca',
    '-batch',
    '-selfsign',
    '-config',
    join(ca, 'ca.cnf'),
    '-keyfile',
    key,
    '-in',
    join(ca, 'req.csr'),
    '-out',
    cert,
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20210101000000Z',
  ]);
  return { key, cert };
}

/**
 * Creates namespace `rxexp<id>` with addresses 10.213.<subnet>.10 … (subnet random unless given) and starts the planted services on the
 * first six: HTTP (no security headers), HTTPS (expired self-signed, TLS 1.0 accepted), SSH, Telnet, SMB, DICOM.
 */
export async function buildTestbed(
  options: {
    extraAddresses?: number;
    subnet?: number;
    /** TCP ports whose answers (RST or SYN-ACK) every testbed address silently drops, as a filtering firewall does. */
    dropPorts?: readonly number[];
  } = {},
): Promise<Testbed> {
  const ip = need('ip');
  const sshd = need('sshd');
  const smbd = need('smbd');
  const sshKeygen = need('ssh-keygen');
  const id = `${process.pid % 10000}${Math.floor(Math.random() * 90 + 10)}`;
  const ns = `rxexp${id}`;
  const vh = `rxh${id}`;
  const vn = `rxn${id}`;
  // A random /24 unless given, so two testbeds built at the same time (parallel runs) do not share routes.
  const subnet = options.subnet ?? 2 + Math.floor(Math.random() * 250);
  const cidr = `10.213.${subnet}.0/24`;
  const hostAddress = `10.213.${subnet}.1`;
  const count = 6 + (options.extraAddresses ?? 0);
  const addresses = Array.from({ length: count }, (_, i) => `10.213.${subnet}.${10 + i}`);
  const dir = mkdtempSync(join(tmpdir(), 'rempart-exposure-testbed-'));
  const children: ChildProcess[] = [];
  let torn = false;
  const teardown = () => {
    if (torn) return;
    torn = true;
    for (const c of children) if (c.pid && c.exitCode === null) c.kill('SIGTERM');
    try {
      const pids = execFileSync(ip, ['netns', 'pids', ns]).toString().split(/\s+/).filter(Boolean);
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone
        }
      }
    } catch {
      // namespace already gone
    }
    try {
      run(ip, ['link', 'del', vh]);
    } catch {
      // removed with the namespace
    }
    for (let i = 0; i < 20; i++) {
      try {
        run(ip, ['netns', 'del', ns]);
      } catch {
        // already removed, or busy for a moment
      }
      if (!execFileSync(ip, ['netns', 'list']).toString().includes(ns)) break;
      execFileSync('sleep', ['0.2']);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run(ip, ['netns', 'add', ns]);
    run(ip, ['link', 'add', vh, 'type', 'veth', 'peer', 'name', vn]);
    run(ip, ['link', 'set', vn, 'netns', ns]);
    run(ip, ['addr', 'add', `${hostAddress}/24`, 'dev', vh]);
    run(ip, ['link', 'set', vh, 'up']);
    run(ip, ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    for (const a of addresses) run(ip, ['netns', 'exec', ns, 'ip', 'addr', 'add', `${a}/24`, 'dev', vn]);
    run(ip, ['netns', 'exec', ns, 'ip', 'link', 'set', vn, 'up']);
    if (options.dropPorts?.length) {
      // Replies from these ports are routed to a blackhole: the scanner sees no answer at all (filtered).
      run(ip, ['netns', 'exec', ns, 'ip', 'route', 'add', 'blackhole', 'default', 'table', '100']);
      for (const p of options.dropPorts)
        run(ip, ['netns', 'exec', ns, 'ip', 'rule', 'add', 'ipproto', 'tcp', 'sport', String(p), 'lookup', '100']);
    }

    const [http, https, ssh, telnet, smb, dicom] = addresses as [string, string, string, string, string, string];
    const services: PlantedService[] = [
      { host: http, port: 80, kind: 'http' },
      { host: https, port: 443, kind: 'https' },
      { host: ssh, port: 22, kind: 'ssh' },
      { host: telnet, port: 23, kind: 'telnet' },
      { host: smb, port: 445, kind: 'smb' },
      { host: dicom, port: 104, kind: 'dicom' },
    ];
    const tls = expiredSelfSigned(dir);
    const nodeConfig = {
      services: [
        { kind: 'http', host: http, port: 80 },
        { kind: 'https', host: https, port: 443, key: tls.key, cert: tls.cert },
        { kind: 'telnet', host: telnet, port: 23 },
        { kind: 'dicom', host: dicom, port: 104 },
      ],
    };
    const spawnIn = (args: string[]) => {
      const c = spawn(ip, ['netns', 'exec', ns, ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
        // Own process group: smbd signals its whole group when it stops, which must not reach the test runner.
        detached: true,
      });
      c.stderr?.resume();
      c.unref();
      children.push(c);
    };
    spawnIn([process.execPath, join(here, 'fixtures', 'servers.mjs'), JSON.stringify(nodeConfig)]);

    const hostKey = join(dir, 'ssh_host_ed25519_key');
    run(sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
    mkdirSync('/run/sshd', { recursive: true });
    const sshConfig = join(dir, 'sshd_config');
    writeFileSync(
      sshConfig,
      `ListenAddress ${ssh}\nPort 22\nHostKey ${hostKey}\nPidFile ${join(dir, 'sshd.pid')}\nUsePAM no\nStrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n`,
    );
    spawnIn([sshd, '-D', '-e', '-f', sshConfig]);

    const sambaDir = join(dir, 'samba');
    for (const d of ['private', 'lock', 'state', 'cache', 'pid', 'ncalrpc', 'share'])
      mkdirSync(join(sambaDir, d), { recursive: true });
    const smbConf = join(sambaDir, 'smb.conf');
    writeFileSync(
      smbConf,
      [
        '[global]',
        'netbios name = RXTESTBED',
        'workgroup = TESTBED',
        'server role = standalone server',
        `interfaces = ${smb}/24`,
        'bind interfaces only = yes',
        'smb ports = 445',
        'disable netbios = yes',
        'load printers = no',
        'disable spoolss = yes',
        `private dir = ${sambaDir}/private`,
        `lock directory = ${sambaDir}/lock`,
        `state directory = ${sambaDir}/state`,
        `cache directory = ${sambaDir}/cache`,
        `pid directory = ${sambaDir}/pid`,
        `ncalrpc dir = ${sambaDir}/ncalrpc`,
        `log file = ${sambaDir}/log.%m`,
        'passdb backend = tdbsam',
        '[share]',
        `path = ${sambaDir}/share`,
        'read only = yes',
        '',
      ].join('\n'),
    );
    spawnIn([smbd, '--foreground', '--no-process-group', `--configfile=${smbConf}`, '--debug-stdout']);

    await Promise.all(services.map((s) => waitOpen(s.host, s.port, 30_000)));
    return { namespace: ns, hostAddress, cidr, addresses, services, dir, teardown };
  } catch (e) {
    teardown();
    throw e;
  }
}
