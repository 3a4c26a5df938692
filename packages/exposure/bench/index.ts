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
const THREADS = Math.min(availableParallelism(), 4);

/** CPU time (ms) of the children this process has waited for, from /proc/self/stat (cutime + cstime, in clock ticks of 10 ms). */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

const testbed = await buildTestbed({ extraAddresses: 10 });
try {
  const hosts = testbed.addresses;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const ours = await connectScan(hosts, PORTS, {
    concurrency: CONCURRENCY,
    timeoutMs: 1500,
    retries: 1,
    threads: THREADS,
  });
  const rempartMs = performance.now() - t0;
  const rempartCpu = process.cpuUsage(cpu0);

  const out = join(testbed.dir, 'bench-nmap.xml');
  const nmapCpu0 = childrenCpuMs();
  const t1 = performance.now();
  execFileSync('nmap', ['-sT', TEMPLATE, '-Pn', '-n', '-p', '1-1000', '-oX', out, ...hosts], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const nmapMs = performance.now() - t1;
  const nmapCpuMs = childrenCpuMs() - nmapCpu0;

  const a = new Set(ours.filter((p) => p.state === 'open').map((p) => `${p.host}:${p.port}`));
  const b = new Set(
    importNmapXml(readFileSync(out, 'utf8'))
      .observations.filter((o) => o.kind === 'port')
      .map((o) => `${o.host}:${o.port}`),
  );
  const union = new Set([...a, ...b]);
  const common = [...a].filter((k) => b.has(k)).length;
  const agreement = union.size === 0 ? 100 : (100 * common) / union.size;
  const line = (s: string) => process.stdout.write(`${s}\n`);
  line(
    `exposure bench: ${hosts.length} hosts x ${PORTS.length} ports (${hosts.length * PORTS.length} probes), network namespace over veth`,
  );
  line(
    `rempart connectScan (${THREADS} threads, concurrency ${CONCURRENCY}, RTT-adaptive timeout <= 1500 ms, 1 retry): ${rempartMs.toFixed(0)} ms, ${a.size} open`,
  );
  line(`nmap -sT ${TEMPLATE} -Pn -n -p 1-1000: ${nmapMs.toFixed(0)} ms, ${b.size} open`);
  line(`wall-time ratio rempart/nmap: ${(rempartMs / nmapMs).toFixed(2)}x (target <= 1.00x)`);
  line(
    `cpu time: rempart ${((rempartCpu.user + rempartCpu.system) / 1000).toFixed(0)} ms (all threads), nmap ${nmapCpuMs} ms`,
  );
  line(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on ${availableParallelism()} cores (shared machine)`,
  );
  line(`open-port agreement: ${agreement.toFixed(1)} % (${common}/${union.size}) (target 100 %)`);
} finally {
  testbed.teardown();
}
