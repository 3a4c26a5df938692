// Benchmark: 16 testbed hosts × 1,000 ports, Rempart's TCP connect scan next to `nmap -sT` in the same run.
// Builds its own network namespace (root needed), tears it down at the end.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { importNmapXml } from '../src/imports/nmap-xml.js';
import { connectScan, parsePorts } from '../src/scanner/tcp-connect.js';
import { buildTestbed } from '../test/testbed.js';

const PORTS = parsePorts('1-1000');
const TEMPLATE = '-T4';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 512);
// Scan worker threads: connectScan's default for a scan this size (one per core, at most 4).
const THREADS = Number(process.env.BENCH_THREADS ?? Math.min(availableParallelism(), 4));

/** CPU time (ms) of the children this process has waited for, from /proc/self/stat (cutime + cstime, in clock ticks of 10 ms). */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const testbed = await buildTestbed({ extraAddresses: 10 });
try {
  const hosts = testbed.addresses;
  const out = join(testbed.dir, 'bench-nmap.xml');
  const rempartRuns: Array<{ ms: number; cpuMs: number; open: Set<string> }> = [];
  const nmapRuns: Array<{ ms: number; cpuMs: number; open: Set<string> }> = [];
  const runRempart = async () => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const ours = await connectScan(hosts, PORTS, {
      concurrency: CONCURRENCY,
      timeoutMs: 1500,
      retries: 1,
      threads: THREADS,
    });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const open = new Set(ours.filter((p) => p.state === 'open').map((p) => `${p.host}:${p.port}`));
    rempartRuns.push({ ms, cpuMs: (cpu.user + cpu.system) / 1000, open });
  };
  const runNmap = () => {
    const cpu0 = childrenCpuMs();
    const t0 = performance.now();
    execFileSync('nmap', ['-sT', TEMPLATE, '-Pn', '-n', '-p', '1-1000', '-oX', out, ...hosts], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const ms = performance.now() - t0;
    const open = new Set(
      importNmapXml(readFileSync(out, 'utf8'))
        .observations.filter((o) => o.kind === 'port')
        .map((o) => `${o.host}:${o.port}`),
    );
    nmapRuns.push({ ms, cpuMs: childrenCpuMs() - cpu0, open });
  };
  // Alternate which scanner goes first, so neither always runs on a machine the other just warmed.
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      await runRempart();
      runNmap();
    } else {
      runNmap();
      await runRempart();
    }
  }

  // Agreement over every run: each of ours against each of nmap's.
  let common = 0;
  let union = 0;
  for (const [i, r] of rempartRuns.entries()) {
    const n = nmapRuns[i] as (typeof nmapRuns)[number];
    const all = new Set([...r.open, ...n.open]);
    union += all.size;
    common += [...r.open].filter((k) => n.open.has(k)).length;
  }
  const agreement = union === 0 ? 100 : (100 * common) / union;
  const ours = median(rempartRuns.map((r) => r.ms));
  const theirs = median(nmapRuns.map((r) => r.ms));
  const list = (runs: typeof rempartRuns) => runs.map((r) => r.ms.toFixed(0)).join(', ');
  const line = (s: string) => process.stdout.write(`${s}\n`);
  line(
    `exposure bench: ${hosts.length} hosts x ${PORTS.length} ports (${hosts.length * PORTS.length} probes), network namespace over veth, ${ROUNDS} alternating rounds`,
  );
  line(
    `rempart connectScan (${THREADS} threads, concurrency ${CONCURRENCY}, RTT-adaptive timeout <= 1500 ms, 1 retry): median ${ours.toFixed(0)} ms (runs ${list(rempartRuns)}), ${rempartRuns[0]?.open.size} open`,
  );
  line(
    `nmap -sT ${TEMPLATE} -Pn -n -p 1-1000: median ${theirs.toFixed(0)} ms (runs ${list(nmapRuns)}), ${nmapRuns[0]?.open.size} open`,
  );
  line(`wall-time ratio rempart/nmap (medians): ${(ours / theirs).toFixed(2)}x (target <= 1.00x)`);
  line(
    `cpu time per scan (median): rempart ${median(rempartRuns.map((r) => r.cpuMs)).toFixed(0)} ms (all threads), nmap ${median(nmapRuns.map((r) => r.cpuMs)).toFixed(0)} ms`,
  );
  line(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${availableParallelism()} cores (shared machine)`,
  );
  line(`open-port agreement over all runs: ${agreement.toFixed(1)} % (${common}/${union}) (target 100 %)`);
} finally {
  testbed.teardown();
}
