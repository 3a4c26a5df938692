import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type Alert,
  collectInputs,
  LEVELS,
  type ScanProgress,
  type ScanSummary,
  SigmaEngine,
  scan,
  TimelineWriter,
} from '@rempart/detect';
import { z } from 'zod';
import { CliError, type Command, parseOptions } from '../command.js';
import { progressLine } from '../progress.js';
import { pushResult } from '../push.js';

const LEVEL_LABELS: Record<(typeof LEVELS)[number], string> = {
  critical: 'critique',
  high: 'élevé',
  medium: 'moyen',
  low: 'faible',
  informational: 'information',
};

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} Mo` : `${Math.ceil(bytes / 1024)} Ko`;
}

/** Progress on stderr: a redrawn bar on a terminal, a line per file otherwise. */
function progressReporter(): { update: (p: ScanProgress) => void; end: () => void } {
  if (process.stderr.isTTY !== true) {
    let lastFile = '';
    return {
      update(p) {
        if (p.file === lastFile || p.bytesDone === 0) return;
        lastFile = p.file;
        process.stderr.write(`analyse : ${p.file}\n`);
      },
      end() {},
    };
  }
  const line = progressLine();
  return {
    update: (p) =>
      line.update(
        p.bytesTotal === 0 ? 1 : p.bytesDone / p.bytesTotal,
        () => `${formatSize(p.bytesDone)}/${formatSize(p.bytesTotal)} · ${p.events} événements · ${p.alerts} alertes`,
      ),
    end: line.end,
  };
}

function summaryTable(summary: ScanSummary, rulesLoaded: number, minLevel: string): string {
  const lines: string[] = [];
  lines.push(
    `Fichiers : ${summary.files} (illisibles : ${summary.unreadableFiles}) · événements : ${summary.events} · règles chargées : ${rulesLoaded} · avertissements : ${summary.warnings}`,
  );
  lines.push(`Alertes (niveau ≥ ${LEVEL_LABELS[minLevel as keyof typeof LEVEL_LABELS]}) : ${summary.alerts}`);
  lines.push('');
  lines.push('Niveau        Alertes');
  for (const level of [...LEVELS].reverse())
    lines.push(`${LEVEL_LABELS[level].padEnd(12)}  ${String(summary.byLevel[level]).padStart(7)}`);
  if (summary.byRule.length > 0) {
    lines.push('');
    lines.push('Niveau        Alertes  Règle');
    for (const r of summary.byRule)
      lines.push(`${LEVEL_LABELS[r.level].padEnd(12)}  ${String(r.count).padStart(7)}  ${r.title}`);
  }
  return `${lines.join('\n')}\n`;
}

export const detect: Command = {
  name: 'detect',
  help: `Usage: rempart detect --rules <dir> <evtx files or folders…> [options]

Reads Windows event logs (.evtx, or .json/.jsonl events as exported by evtx_dump), evaluates every
Sigma rule found under --rules (YAML, recursively; correlation rules included) and prints a summary
of the alerts by level and by rule. Rules that cannot be used are listed with the reason.

Options:
  --rules <dir>          folder of Sigma rules (required)
  --min-level <level>    informational | low | medium | high | critical (default: informational)
  --csv <file>           write the timeline as CSV (Hayabusa columns)
  --jsonl <file>         write the timeline as JSON lines
  --quiet-rules          do not list the rules that could not be loaded
  --push <url>           send the alerts to a Rempart server (establishment's detection results)
  --token-file <file>    API token for --push (rempart token create …), read from the file
  --org <id>             organisation to push for (default: the token's)`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        rules: { type: 'string' },
        'min-level': { type: 'string' },
        csv: { type: 'string' },
        jsonl: { type: 'string' },
        'quiet-rules': { type: 'boolean' },
        push: { type: 'string' },
        'token-file': { type: 'string' },
        org: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    const options = parseOptions(
      z.object({
        rules: z.string({ error: 'a folder of Sigma rules is required' }).min(1),
        'min-level': z.enum(LEVELS).default('informational'),
        csv: z.string().min(1).optional(),
        jsonl: z.string().min(1).optional(),
        'quiet-rules': z.boolean().optional(),
        push: z.string().url().optional(),
        'token-file': z.string().min(1).optional(),
        org: z.coerce.number().int().positive().optional(),
        inputs: z.array(z.string().min(1)).min(1, 'at least one EVTX file or folder is required'),
      }),
      { ...values, inputs: positionals },
    );
    if (options.push !== undefined && !options['token-file']) throw new CliError('--push needs --token-file');
    const rulesInfo = await stat(options.rules).catch(() => null);
    if (!rulesInfo?.isDirectory()) throw new CliError(`${options.rules}: dossier de règles introuvable`);
    const { inputs, missing } = await collectInputs(options.inputs);
    if (missing.length > 0) throw new CliError(`introuvable : ${missing.join(', ')}`);
    if (inputs.length === 0) throw new CliError('aucun fichier .evtx, .json ou .jsonl à analyser');

    const engine = await SigmaEngine.fromDirectory(options.rules);
    const counts = engine.counts;
    process.stderr.write(
      `règles : ${counts.rules} chargées, ${counts.correlations} corrélations, ${counts.problems} inutilisables, ${counts.ignored} documents YAML non Sigma ignorés\n`,
    );
    if (!options['quiet-rules'])
      for (const p of engine.problems)
        process.stderr.write(`  règle ignorée [${p.code}] ${p.title ?? p.source} : ${p.message}\n`);
    if (counts.rules === 0) throw new CliError('aucune règle Sigma utilisable', 1);

    // Alerts are kept (they are few next to events) so the timeline comes out in time order.
    const alerts: Alert[] = [];
    const progress = progressReporter();
    let summary: ScanSummary;
    try {
      summary = await scan(engine, inputs, {
        minLevel: options['min-level'],
        onAlert: (a) => alerts.push(a),
        onProgress: progress.update,
        onWarning: (file, w) => process.stderr.write(`\navertissement ${file} [${w.code}] : ${w.message}\n`),
        onFileError: (file, message) => process.stderr.write(`\nfichier illisible ${file} : ${message}\n`),
      });
    } finally {
      progress.end();
    }
    if (options.csv || options.jsonl) {
      alerts.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
      const timeline = new TimelineWriter({ csv: options.csv, jsonl: options.jsonl });
      for (const a of alerts) timeline.write(a);
      await timeline.close();
    }
    process.stdout.write(summaryTable(summary, counts.rules, options['min-level']));
    if (options.push) {
      const bundle = detectBundle(alerts, summary, counts.rules, await rulesetFingerprint(options.rules, counts.rules));
      const stored = await pushResult(
        { url: options.push, tokenFile: options['token-file']!, organisationId: options.org },
        'detect',
        bundle,
      );
      process.stderr.write(`${stored}\n`);
    }
    return 0;
  },
};

/** The most recent alerts the server keeps per push (it refuses more). */
const PUSH_MAX_ALERTS = 20_000;

/** The `rempart.detect/1` bundle the server's detection results expect. */
function detectBundle(alerts: Alert[], summary: ScanSummary, rules: number, rulesetVersion: string) {
  const sorted = [...alerts].sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0));
  return {
    format: 'rempart.detect/1',
    generatedAt: new Date().toISOString(),
    rulesetVersion,
    rules,
    files: summary.files,
    events: summary.events,
    truncated: sorted.length > PUSH_MAX_ALERTS,
    alerts: sorted.slice(0, PUSH_MAX_ALERTS).map((a) => ({
      timestamp: a.timestamp,
      computer: a.computer.slice(0, 300),
      channel: a.channel.slice(0, 300),
      eventId: Number.isInteger(a.eventId) ? a.eventId : 0,
      level: a.level,
      ruleId: a.ruleId.slice(0, 200),
      ruleTitle: a.ruleTitle.slice(0, 500),
      details: a.details.slice(0, 4000),
    })),
  };
}

/** A version for the rule set: the rule count and a hash of every rule file's content, in path order. */
async function rulesetFingerprint(dir: string, rules: number): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (path: string): Promise<void> => {
    const info = await stat(path);
    if (info.isDirectory()) {
      for (const e of (await readdir(path)).sort()) await walk(join(path, e));
    } else if (/\.ya?ml$/i.test(path)) {
      hash
        .update(relative(dir, path))
        .update('\0')
        .update(await readFile(path))
        .update('\0');
    }
  };
  await walk(dir);
  return `sigma-${rules}-${hash.digest('hex').slice(0, 12)}`;
}
