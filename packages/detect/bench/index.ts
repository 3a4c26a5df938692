// npm run bench -w @rempart/detect
// EVTX parsing next to Debian's python3-evtx on the same files, Sigma evaluation rate with all corpus
// rules, and peak RSS against file size. Files are built in a temp dir from the corpus (never copied
// into the repository) and removed afterwards.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from '../src/evtx/crc32.js';
import { parseEvtxBuffer } from '../src/evtx/reader.js';
import { SigmaEngine } from '../src/sigma/engine.js';
import { parseSigmaYaml, type SigmaDocument } from '../src/sigma/rule-parser.js';
import { corpusCases } from '../test/corpus.js';

const PYTHON = '/usr/bin/python3';
const EVTX_DUMP = '/usr/bin/evtx_dump.py';
const CHUNK = 65536;
const HEADER = 4096;
const dir = mkdtempSync(join(tmpdir(), 'rempart-bench-detect-'));
const cases = corpusCases().filter((c) => c.evtxPath);
const images = cases.map((c) => readFileSync(c.evtxPath!));

/** One EVTX file made of `chunks` corpus chunks (cycled), with a valid header. */
function buildEvtx(path: string, chunks: number): void {
  const header = Buffer.from(images[0]!.subarray(0, HEADER));
  header.writeBigUInt64LE(0n, 8);
  header.writeBigUInt64LE(BigInt(chunks - 1), 16);
  header.writeUInt16LE(Math.min(chunks, 0xffff), 42);
  header.writeUInt32LE(header.readUInt32LE(120) & ~1, 120); // clean (not dirty)
  header.writeUInt32LE(crc32(header, 0, 120), 124);
  const fd = openSync(path, 'w');
  writeSync(fd, header);
  for (let i = 0; i < chunks; i++) {
    const img = images[i % images.length]!;
    for (let off = HEADER; off + CHUNK <= img.length; off += CHUNK) writeSync(fd, img, off, CHUNK);
  }
  closeSync(fd);
}

/**
 * A dense version of a corpus chunk: its first record followed by copies of itself until the chunk is full,
 * the copies referring to the templates the first record defines (as Windows writes later records).
 * Header fields and both checksums are updated. Returns null when the first record has no inline template.
 */
function densifyChunk(img: Buffer): Buffer | null {
  const chunk = Buffer.from(img.subarray(HEADER, HEADER + CHUNK));
  const first = 512;
  const size = chunk.readUInt32LE(first + 4);
  const tok = first + 24 + 4;
  if (chunk[first + 24] !== 0x0f || chunk[tok] !== 0x0c) return null;
  const defOff = chunk.readUInt32LE(tok + 6);
  if (defOff !== tok + 10) return null;
  const defSize = 24 + chunk.readUInt32LE(tok + 10 + 20);
  // Substitution values; a nested BinXML value (0x21) starting with an inline template definition gets that
  // definition cut out in the copies (they refer to the first record's one, as Windows would write them).
  const subs = tok + 10 + defSize;
  const count = chunk.readUInt32LE(subs);
  const parts: Buffer[] = [chunk.subarray(first + 24, tok + 10)];
  const descriptors = Buffer.from(chunk.subarray(subs, subs + 4 + 4 * count));
  const values: Buffer[] = [];
  let v = subs + 4 + 4 * count;
  for (let i = 0; i < count; i++) {
    const vsize = chunk.readUInt16LE(subs + 4 + 4 * i);
    const type = chunk[subs + 4 + 4 * i + 2];
    let value = chunk.subarray(v, v + vsize);
    if (type === 0x21 && vsize > 14 && value[0] === 0x0f && value[4] === 0x0c) {
      const innerDef = value.readUInt32LE(10);
      if (innerDef === v + 14) {
        const innerSize = 24 + value.readUInt32LE(14 + 20);
        const innerSubs = 14 + innerSize;
        const innerCount = value.readUInt32LE(innerSubs);
        for (let k = 0; k < innerCount; k++) if (value[innerSubs + 4 + 4 * k + 2] === 0x21) return null;
        value = Buffer.concat([value.subarray(0, 14), value.subarray(14 + innerSize)]);
        descriptors.writeUInt16LE(value.length, 4 + 4 * i);
      } else return null;
    } else if (type === 0x21 && vsize > 0) return null;
    values.push(value);
    v += vsize;
  }
  const body = Buffer.concat([...parts, descriptors, ...values, chunk.subarray(v, first + size - 4)]);
  const copySize = 24 + body.length + 4;
  let off = first + size;
  let id = chunk.readBigUInt64LE(first + 8);
  let last = first;
  while (off + copySize <= CHUNK) {
    id++;
    chunk.writeUInt32LE(0x00002a2a, off);
    chunk.writeUInt32LE(copySize, off + 4);
    chunk.writeBigUInt64LE(id, off + 8);
    chunk.copy(chunk, off + 16, first + 16, first + 24); // timestamp
    body.copy(chunk, off + 24);
    chunk.writeUInt32LE(copySize, off + copySize - 4);
    last = off;
    off += copySize;
  }
  chunk.fill(0, off);
  chunk.writeBigUInt64LE(id, 16);
  chunk.writeBigUInt64LE(id, 32);
  chunk.writeUInt32LE(last, 44);
  chunk.writeUInt32LE(off, 48);
  chunk.writeUInt32LE(crc32(chunk, 512, off), 52);
  chunk.writeUInt32LE(crc32(chunk, 128, 512, crc32(chunk, 0, 120)), 124);
  return chunk;
}

/** One EVTX file of `chunks` dense chunks (corpus chunks filled with copies of their first record). */
function buildDenseEvtx(path: string, chunks: number): void {
  const dense = images.map(densifyChunk).filter((c): c is Buffer => c !== null);
  const header = Buffer.from(images[0]!.subarray(0, HEADER));
  header.writeBigUInt64LE(BigInt(chunks - 1), 16);
  header.writeUInt16LE(Math.min(chunks, 0xffff), 42);
  header.writeUInt32LE(header.readUInt32LE(120) & ~1, 120);
  header.writeUInt32LE(crc32(header, 0, 120), 124);
  const fd = openSync(path, 'w');
  writeSync(fd, header);
  for (let i = 0; i < chunks; i++) writeSync(fd, dense[i % dense.length]!);
  closeSync(fd);
}

interface ChildResult {
  records: number;
  alerts: number;
  warnings: number;
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
}

function child(path: string, mode: 'parse' | 'sigma'): ChildResult {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', new URL('./parse-one.ts', import.meta.url).pathname, path, mode],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(out) as ChildResult;
}

const mb = (bytes: number) => bytes / 1024 / 1024;
const fmt = (n: number, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/**
 * Runs Debian's evtx_dump.py in-process under Python, counting rendered records. The python-evtx modules are
 * imported first, so `cpuSeconds` is the dump alone (as the Node child measures its parse after its imports);
 * `startupCpuSeconds` is the interpreter start and imports, printed apart.
 */
function pythonEvtx(path: string): { seconds: number; cpuSeconds: number; startupCpuSeconds: number; records: number } {
  const script = `
import resource, runpy, sys
cpu = lambda: (lambda r: r.ru_utime + r.ru_stime)(resource.getrusage(resource.RUSAGE_SELF))
import Evtx.Evtx, Evtx.Views
startup = cpu()
class Counter:
    n = 0
    def write(self, s):
        self.n += s.count('<Event xmlns')
    def flush(self):
        pass
out = Counter()
real = sys.stdout
sys.stdout = out
sys.argv = ['evtx_dump.py', ${JSON.stringify(path)}]
runpy.run_path('${EVTX_DUMP}', run_name='__main__')
real.write('%d %f %f' % (out.n, cpu() - startup, startup))
`;
  const start = process.hrtime.bigint();
  const r = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`evtx_dump.py a échoué : ${r.stderr.slice(0, 300)}`);
  const [records, cpuSeconds, startupCpuSeconds] = r.stdout.trim().split(' ').map(Number);
  return { seconds, cpuSeconds: cpuSeconds!, startupCpuSeconds: startupCpuSeconds!, records: records! };
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** The python-evtx and rempart lines for one file, and the speed-up in records per CPU-second and wall. */
function compareOnFile(
  label: string,
  path: string,
  digits: number,
): { ratio: number; py: ReturnType<typeof pythonEvtx> } {
  const size = statSync(path).size;
  const py = pythonEvtx(path);
  const ours = child(path, 'parse');
  if (py.records !== ours.records)
    console.log(`! record count differs: python-evtx ${py.records}, rempart ${ours.records}`);
  console.log(
    `EVTX parse, ${label}${fmt(mb(size), digits)} MB (${py.records} records) — python-evtx (evtx_dump.py): ${fmt(py.seconds, 2)} s wall, ${fmt(py.cpuSeconds, 2)} s CPU (+${fmt(py.startupCpuSeconds, 2)} s interpreter start and imports) → ${fmt(mb(size) / py.cpuSeconds, 2)} MB/s, ${fmt(py.records / py.cpuSeconds, 0)} records/s per CPU-second`,
  );
  console.log(
    `EVTX parse, ${label}${fmt(mb(size), digits)} MB (${ours.records} records) — rempart: ${fmt(ours.seconds, 3)} s wall, ${fmt(ours.cpuSeconds, 3)} s CPU → ${fmt(mb(size) / ours.cpuSeconds, 1)} MB/s, ${fmt(ours.records / ours.cpuSeconds, 0)} records/s per CPU-second`,
  );
  const ratio = ours.records / ours.cpuSeconds / (py.records / py.cpuSeconds);
  console.log(
    `EVTX parse speed-up vs python-evtx, same ${label}${fmt(mb(size), digits)} MB file: ×${fmt(ratio, 1)} per CPU-second (wall ×${fmt(ours.records / ours.seconds / (py.records / py.seconds), 1)}); load average ${load()}`,
  );
  return { ratio, py };
}

try {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.+)/)?.[1] ?? 'unknown CPU';
  const python = execFileSync(PYTHON, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`# @rempart/detect benchmark — Node ${process.version}, ${python} + python3-evtx, ${cpu}`);
  console.log(`# corpus: ${images.length} EVTX (${cases.length} SigmaHQ regression cases), one 64 KiB chunk each`);

  console.log(`# load average at start: ${load()} (2 cores shared with other work: CPU-seconds are the fairer unit)`);

  // 1. Parsing, python-evtx and rempart on the same files one after the other: corpus chunks as they are
  // (1–7 records each, so per-chunk work and warm-up weigh), 18 MB then about 100 MB; then dense chunks.
  const subset = join(dir, 'subset.evtx');
  buildEvtx(subset, 288);
  const pySubset = compareOnFile('', subset, 1).py;
  const sparse100 = join(dir, 'sparse-100.evtx');
  buildEvtx(sparse100, 1600);
  compareOnFile('', sparse100, 0);
  rmSync(sparse100);
  const denseSubset = join(dir, 'dense-subset.evtx');
  buildDenseEvtx(denseSubset, 24);
  const denseSize = statSync(denseSubset).size;
  const pyDense = compareOnFile('dense ', denseSubset, 2).py;
  const denseRuns: { size: number; r: ChildResult }[] = [];
  for (const target of [50, 200]) {
    const path = join(dir, `dense-${target}.evtx`);
    buildDenseEvtx(path, Math.round((target * 1024 * 1024) / CHUNK));
    const size = statSync(path).size;
    const r = child(path, 'parse');
    denseRuns.push({ size, r });
    console.log(
      `EVTX parse, dense ${fmt(mb(size), 0)} MB (${r.records} records) — rempart: ${fmt(r.seconds, 2)} s wall, ${fmt(r.cpuSeconds, 2)} s CPU → ${fmt(mb(size) / r.cpuSeconds, 1)} MB/s, ${fmt(r.records / r.cpuSeconds, 0)} records/s per CPU-second, peak RSS ${fmt(r.maxRssMb, 0)} MB, warnings ${r.warnings}`,
    );
    if (target === 200) {
      const rs = child(path, 'sigma');
      console.log(
        `Parse + Sigma, dense ${fmt(mb(size), 0)} MB (${rs.records} records, ${rs.alerts} alerts): ${fmt(rs.seconds, 2)} s wall, ${fmt(rs.cpuSeconds, 2)} s CPU → ${fmt(rs.records / rs.cpuSeconds, 0)} events per CPU-second, peak RSS ${fmt(rs.maxRssMb, 0)} MB`,
      );
    }
    rmSync(path);
  }
  const bestDense = denseRuns[denseRuns.length - 1]!;
  console.log(
    `EVTX parse, dense ${fmt(mb(bestDense.size), 0)} MB (rempart alone) vs python-evtx on the dense ${fmt(mb(denseSize), 1)} MB file, records per CPU-second: ×${fmt(bestDense.r.records / bestDense.r.cpuSeconds / (pyDense.records / pyDense.cpuSeconds), 0)}`,
  );
  console.log(
    `Memory vs file size, dense (peak RSS of a fresh process): ${denseRuns.map((l) => `${fmt(mb(l.size), 0)} MB → ${fmt(l.r.maxRssMb, 0)} MB`).join(', ')}`,
  );
  const sizes = [50, 300];
  const large: { size: number; r: ChildResult }[] = [];
  for (const target of sizes) {
    const path = join(dir, `large-${target}.evtx`);
    buildEvtx(path, Math.round((target * 1024 * 1024) / CHUNK));
    const size = statSync(path).size;
    const r = child(path, 'parse');
    large.push({ size, r });
    console.log(
      `EVTX parse, ${fmt(mb(size), 0)} MB (${r.records} records) — rempart: ${fmt(r.seconds, 2)} s wall, ${fmt(r.cpuSeconds, 2)} s CPU → ${fmt(mb(size) / r.cpuSeconds, 1)} MB/s, ${fmt(r.records / r.cpuSeconds, 0)} records/s per CPU-second, peak RSS ${fmt(r.maxRssMb, 0)} MB, warnings ${r.warnings}`,
    );
    rmSync(path);
  }
  const best = large[large.length - 1]!.r;
  console.log(
    `EVTX parse, ${fmt(mb(large[large.length - 1]!.size), 0)} MB (rempart alone) vs python-evtx on the 18 MB file, records per CPU-second: ×${fmt(best.records / best.cpuSeconds / (pySubset.records / pySubset.cpuSeconds), 0)}`,
  );
  console.log(
    `Memory vs file size, sparse (peak RSS of a fresh process): ${large.map((l) => `${fmt(mb(l.size), 0)} MB → ${fmt(l.r.maxRssMb, 0)} MB`).join(', ')}`,
  );

  // 2. Sigma evaluation with all corpus rules, events already parsed (engine alone), with the rule
  // prefilter (default) and without it (every rule of the channel/EventID tested), same events.
  const docs: SigmaDocument[] = [];
  for (const c of corpusCases()) docs.push(...parseSigmaYaml(readFileSync(c.rulePath, 'utf8'), c.rulePath).documents);
  const events = images.flatMap((img) => parseEvtxBuffer(img));
  const processCreations = events.filter(
    (e) => (e.event.Event as { System: { EventID: unknown } }).System.EventID === 1,
  ).length;
  for (const prefilter of [true, false]) {
    const engine = new SigmaEngine(docs, [], { prefilter });
    let alerts = 0;
    for (let i = 0; i < 200; i++) for (const e of events) engine.evaluate(e); // warm-up
    // Five runs of 300 rounds: other processes share the 2 cores, so the median and the best run are printed.
    const runs: { seconds: number; cpuSeconds: number }[] = [];
    for (let run = 0; run < 5; run++) {
      const start = process.hrtime.bigint();
      const cpuStart = process.cpuUsage();
      for (let i = 0; i < 300; i++) for (const e of events) alerts += engine.evaluate(e).length;
      const used = process.cpuUsage(cpuStart);
      runs.push({
        seconds: Number(process.hrtime.bigint() - start) / 1e9,
        cpuSeconds: (used.user + used.system) / 1e6,
      });
    }
    const n = 300 * events.length;
    const rates = runs.map((r) => n / r.cpuSeconds).sort((a, b) => a - b);
    const cpuSeconds = runs.reduce((t, r) => t + r.cpuSeconds, 0);
    const seconds = runs.reduce((t, r) => t + r.seconds, 0);
    console.log(
      `Sigma evaluation${prefilter ? '' : ' without the rule prefilter'}, ${engine.counts.rules} corpus rules loaded, 5 × ${fmt(n, 0)} events (the ${events.length} corpus events cycled, ${processCreations} of them Sysmon process creations; ${fmt(alerts / (5 * n), 2)} alerts/event): ${fmt(seconds, 2)} s wall, ${fmt(cpuSeconds, 2)} s CPU → ${fmt((5 * n) / cpuSeconds, 0)} events per CPU-second overall (single-threaded; runs: median ${fmt(rates[2]!, 0)}, best ${fmt(rates[4]!, 0)}, worst ${fmt(rates[0]!, 0)}), ${fmt((5 * n) / seconds, 0)} events/s wall; load average ${load()}`,
    );
  }

  // 3. End to end: parse + evaluate, streamed, on a large file.
  const e2e = join(dir, 'e2e.evtx');
  buildEvtx(e2e, Math.round((300 * 1024 * 1024) / CHUNK));
  const size = statSync(e2e).size;
  const r = child(e2e, 'sigma');
  console.log(
    `Parse + Sigma, ${fmt(mb(size), 0)} MB (${r.records} records, ${r.alerts} alerts): ${fmt(r.seconds, 2)} s wall, ${fmt(r.cpuSeconds, 2)} s CPU → ${fmt(mb(size) / r.cpuSeconds, 1)} MB/s, ${fmt(r.records / r.cpuSeconds, 0)} events per CPU-second, peak RSS ${fmt(r.maxRssMb, 0)} MB`,
  );
  console.log(
    "# note: corpus chunks hold 1–7 records each (mostly free space: MB/s flatters); dense chunks repeat each chunk's first record until the chunk is full, as a busy log looks.",
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
