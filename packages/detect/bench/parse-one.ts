// Child process of the benchmark: parses one EVTX file (streaming), optionally evaluates all corpus rules,
// and prints its figures as JSON (peak RSS measured in a fresh process).
import { readFileSync } from 'node:fs';
import { readEvtxChunks } from '../src/evtx/reader.js';
import { SigmaEngine } from '../src/sigma/engine.js';
import { parseSigmaYaml, type SigmaDocument } from '../src/sigma/rule-parser.js';
import { corpusCases } from '../test/corpus.js';

const [path, mode] = process.argv.slice(2);
let engine: SigmaEngine | null = null;
if (mode === 'sigma') {
  const docs: SigmaDocument[] = [];
  for (const c of corpusCases()) docs.push(...parseSigmaYaml(readFileSync(c.rulePath, 'utf8'), c.rulePath).documents);
  engine = new SigmaEngine(docs);
}
let records = 0;
let alerts = 0;
let warnings = 0;
const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
for await (const batch of readEvtxChunks(path!, { onWarning: () => warnings++ })) {
  records += batch.length;
  if (engine) for (const r of batch) alerts += engine.evaluate(r).length;
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(
  JSON.stringify({ records, alerts, warnings, seconds, cpuSeconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }),
);
