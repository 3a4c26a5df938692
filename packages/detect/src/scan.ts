import { createWriteStream, type WriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { EvtxRecord } from './evtx/chunk.js';
import { readEvtxChunks } from './evtx/reader.js';
import type { EvtxWarning } from './evtx/warnings.js';
import { readJsonEvents } from './input/json-events.js';
import { type Alert, levelRank, type SigmaEngine } from './sigma/engine.js';
import { LEVELS, type Level } from './sigma/rule-parser.js';

/** An input file of a scan: an EVTX log or JSON / JSON-lines events. */
export interface ScanInput {
  path: string;
  format: 'evtx' | 'json';
  size: number;
}

const FORMATS: Record<string, ScanInput['format']> = {
  '.evtx': 'evtx',
  '.json': 'json',
  '.jsonl': 'json',
  '.ndjson': 'json',
};

/** Expands files and folders (recursively) into scan inputs; unknown extensions in folders are ignored. */
export async function collectInputs(paths: string[]): Promise<{ inputs: ScanInput[]; missing: string[] }> {
  const inputs: ScanInput[] = [];
  const missing: string[] = [];
  const visit = async (path: string, explicit: boolean): Promise<void> => {
    const info = await stat(path).catch(() => null);
    if (!info) {
      missing.push(path);
      return;
    }
    if (info.isDirectory()) {
      for (const e of (await readdir(path)).sort()) await visit(join(path, e), false);
      return;
    }
    const format = FORMATS[extname(path).toLowerCase()] ?? (explicit ? 'evtx' : undefined);
    if (format && info.isFile()) inputs.push({ path, format, size: info.size });
  };
  for (const p of paths) await visit(p, true);
  return { inputs, missing };
}

export interface ScanProgress {
  file: string;
  bytesDone: number;
  bytesTotal: number;
  events: number;
  alerts: number;
}

export interface ScanOptions {
  minLevel?: Level;
  onAlert?: (alert: Alert) => void;
  onWarning?: (file: string, warning: EvtxWarning) => void;
  onProgress?: (p: ScanProgress) => void;
  /** A whole file that could not be read (not EVTX, I/O error). */
  onFileError?: (file: string, message: string) => void;
}

export interface ScanSummary {
  files: number;
  unreadableFiles: number;
  events: number;
  warnings: number;
  alerts: number;
  byLevel: Record<Level, number>;
  /** Per rule: title, level, count — sorted by level (highest first) then count. */
  byRule: { title: string; ruleId: string; level: Level; count: number }[];
}

/** Runs the engine over every input, streaming, and tallies alerts by level and rule. */
export async function scan(engine: SigmaEngine, inputs: ScanInput[], options: ScanOptions = {}): Promise<ScanSummary> {
  const min = levelRank(options.minLevel ?? 'informational');
  const byLevel = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  const byRule = new Map<string, { title: string; ruleId: string; level: Level; count: number }>();
  const total = inputs.reduce((n, i) => n + i.size, 0);
  let before = 0;
  let events = 0;
  let alerts = 0;
  let warnings = 0;
  let unreadable = 0;
  const emit = (a: Alert) => {
    if (levelRank(a.level) < min) return;
    alerts++;
    byLevel[a.level]++;
    const key = `${a.ruleId}\u0000${a.ruleTitle}`;
    const r = byRule.get(key);
    if (r) r.count++;
    else byRule.set(key, { title: a.ruleTitle, ruleId: a.ruleId, level: a.level, count: 1 });
    options.onAlert?.(a);
  };
  for (const input of inputs) {
    const warn = (w: EvtxWarning) => {
      warnings++;
      options.onWarning?.(input.path, w);
    };
    let done = 0;
    const batches: AsyncIterable<EvtxRecord[]> =
      input.format === 'evtx'
        ? readEvtxChunks(input.path, { onWarning: warn })
        : readJsonEvents(input.path, { onWarning: warn });
    try {
      for await (const batch of batches) {
        for (const record of batch) {
          events++;
          const found = engine.evaluate(record);
          for (let i = 0; i < found.length; i++) emit(found[i] as Alert);
        }
        // JSON inputs report progress per file only (their batches do not map to bytes).
        if (input.format === 'evtx') done = Math.min(input.size, done + 65536);
        options.onProgress?.({ file: input.path, bytesDone: before + done, bytesTotal: total, events, alerts });
      }
    } catch (e) {
      unreadable++;
      options.onFileError?.(input.path, (e as Error).message);
    }
    before += input.size;
    options.onProgress?.({ file: input.path, bytesDone: before, bytesTotal: total, events, alerts });
  }
  for (const a of engine.flush()) emit(a);
  const rules = [...byRule.values()].sort(
    (a, b) => levelRank(b.level) - levelRank(a.level) || b.count - a.count || a.title.localeCompare(b.title),
  );
  return { files: inputs.length, unreadableFiles: unreadable, events, warnings, alerts, byLevel, byRule: rules };
}

// ---------------------------------------------------------------------------
// Timeline outputs (Hayabusa's columns)

export const TIMELINE_COLUMNS = [
  'Timestamp',
  'Computer',
  'Channel',
  'EventID',
  'Level',
  'RecordID',
  'RuleTitle',
  'Details',
] as const;

function timelineRow(a: Alert): string[] {
  return [
    a.timestamp,
    a.computer,
    a.channel,
    Number.isNaN(a.eventId) ? '' : String(a.eventId),
    a.level,
    String(a.recordId),
    a.ruleTitle,
    a.details,
  ];
}

/** CSV field, quoted; a leading =, +, -, @, tab or CR is neutralised (the values come from the attacker's machine). */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** Streams alerts to a CSV and/or JSONL timeline file. */
export class TimelineWriter {
  private readonly csv: WriteStream | null;
  private readonly jsonl: WriteStream | null;

  constructor(paths: { csv?: string; jsonl?: string }) {
    this.csv = paths.csv ? createWriteStream(paths.csv, { encoding: 'utf8' }) : null;
    this.jsonl = paths.jsonl ? createWriteStream(paths.jsonl, { encoding: 'utf8' }) : null;
    this.csv?.write(`${TIMELINE_COLUMNS.map(csvField).join(',')}\n`);
  }

  write(a: Alert): void {
    this.csv?.write(`${timelineRow(a).map(csvField).join(',')}\n`);
    if (this.jsonl) {
      const row = Object.fromEntries(TIMELINE_COLUMNS.map((c, i) => [c, timelineRow(a)[i]]));
      this.jsonl.write(
        `${JSON.stringify({ ...row, EventID: a.eventId, RecordID: a.recordId, RuleID: a.ruleId, Kind: a.kind, Tags: a.tags })}\n`,
      );
    }
  }

  async close(): Promise<void> {
    const end = (s: WriteStream | null) =>
      s
        ? new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())))
        : Promise.resolve();
    await Promise.all([end(this.csv), end(this.jsonl)]);
  }
}
