// Local check (not CI): load every rule under SigmaHQ's rules/windows, report how many compile, and how fast
// the whole set evaluates the corpus events (the realistic rule load, next to bench/index.ts's corpus rules).
// Usage: node --import tsx bench/sigmahq-windows.ts <path to a SigmaHQ/sigma checkout or bare git dir>
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseEvtxBuffer } from '../src/evtx/reader.js';
import { SigmaEngine } from '../src/sigma/engine.js';
import { parseSigmaYaml, type RuleProblem, type SigmaDocument } from '../src/sigma/rule-parser.js';
import { corpusCases } from '../test/corpus.js';

const repo = process.argv[2];
if (!repo || !existsSync(repo)) {
  console.error('usage: sigmahq-windows.ts <SigmaHQ/sigma checkout or git dir>');
  process.exit(2);
}

/** Rule texts from a work tree, or from HEAD of a bare git directory. */
function ruleTexts(): [string, string][] {
  const tree = join(repo!, 'rules', 'windows');
  if (existsSync(tree)) {
    const out: [string, string][] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d).sort()) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.yml')) out.push([p, readFileSync(p, 'utf8')]);
      }
    };
    walk(tree);
    return out;
  }
  const names = execFileSync('git', ['-C', repo!, 'ls-tree', '-r', '--name-only', 'HEAD', 'rules/windows'], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter((n) => n.endsWith('.yml'));
  return names.map((n) => [n, execFileSync('git', ['-C', repo!, 'show', `HEAD:${n}`], { encoding: 'utf8' })]);
}

const documents: SigmaDocument[] = [];
const problems: RuleProblem[] = [];
const texts = ruleTexts();
for (const [path, text] of texts) {
  const parsed = parseSigmaYaml(text, path);
  documents.push(...parsed.documents);
  problems.push(...parsed.problems);
}
const start = process.hrtime.bigint();
const engine = new SigmaEngine(documents, problems);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const byCode = new Map<string, number>();
for (const p of engine.problems) byCode.set(p.code, (byCode.get(p.code) ?? 0) + 1);
console.log(
  `SigmaHQ rules/windows: ${texts.length} files, ${documents.length} documents, ${engine.counts.rules} compiled, ${engine.problems.length} refused (${[...byCode].map(([c, n]) => `${c} ${n}`).join(', ')}), compiled in ${ms.toFixed(0)} ms`,
);
const reasons = new Map<string, number>();
for (const p of engine.problems) {
  const key = `${p.code}: ${p.message
    .replace(/«[^»]*»/g, '«…»')
    .replace(/\/.*\//, '/…/')
    .slice(0, 90)}`;
  reasons.set(key, (reasons.get(key) ?? 0) + 1);
}
for (const [r, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${n} × ${r}`);

const events = corpusCases()
  .filter((c) => c.evtxPath)
  .flatMap((c) => parseEvtxBuffer(readFileSync(c.evtxPath!)));
for (let i = 0; i < 50; i++) for (const e of events) engine.evaluate(e); // warm-up
const rounds = 300;
const cpuStart = process.cpuUsage();
let alerts = 0;
for (let i = 0; i < rounds; i++) for (const e of events) alerts += engine.evaluate(e).length;
const used = process.cpuUsage(cpuStart);
const cpuSeconds = (used.user + used.system) / 1e6;
const n = rounds * events.length;
console.log(
  `Sigma evaluation with the ${engine.counts.rules} SigmaHQ rules, ${n.toLocaleString('en-US')} events (the ${events.length} corpus events cycled; ${(alerts / n).toFixed(2)} alerts/event): ${cpuSeconds.toFixed(2)} s CPU → ${Math.round(n / cpuSeconds).toLocaleString('en-US')} events per CPU-second; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
);
