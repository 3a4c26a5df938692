import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvtxRecord } from '../evtx/chunk.js';
import type { EvtxWarning } from '../evtx/warnings.js';
import { readJsonEvents } from './json-events.js';

const dir = mkdtempSync(join(tmpdir(), 'rempart-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const event = (id: number, cmd: string) => ({
  Event: {
    System: {
      EventID: 1,
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      EventRecordID: id,
      TimeCreated: { '#attributes': { SystemTime: '2026-01-01T00:00:00.000000Z' } },
    },
    EventData: { CommandLine: cmd },
  },
});

async function readAll(path: string, maxDocumentChars?: number) {
  const records: EvtxRecord[] = [];
  const warnings: EvtxWarning[] = [];
  for await (const batch of readJsonEvents(path, { onWarning: (w) => warnings.push(w), maxDocumentChars }))
    records.push(...batch);
  return { records, warnings };
}

describe('JSON / JSON-lines events', () => {
  it('reads JSON lines, with braces and quotes inside strings', async () => {
    const p = join(dir, 'a.jsonl');
    writeFileSync(p, `${[event(1, 'a { b "'), event(2, '}]')].map((e) => JSON.stringify(e)).join('\n')}\n`);
    const { records, warnings } = await readAll(p);
    expect(records.map((r) => r.recordId)).toEqual([1, 2]);
    expect((records[0]!.event.Event as { EventData: { CommandLine: string } }).EventData.CommandLine).toBe('a { b "');
    expect(records[0]!.timestamp).toBe('2026-01-01T00:00:00.000000Z');
    expect(warnings).toEqual([]);
  });

  it('reads a top-level array and evtx_dump output with "Record N" separators', async () => {
    const p = join(dir, 'b.json');
    writeFileSync(p, JSON.stringify([event(3, 'x'), event(4, 'y')], null, 2));
    expect((await readAll(p)).records.map((r) => r.recordId)).toEqual([3, 4]);
    const q = join(dir, 'c.json');
    writeFileSync(q, `Record 5\n${JSON.stringify(event(5, 'z'), null, 2)}\nRecord 6\n${JSON.stringify(event(6, 'w'))}`);
    expect((await readAll(q)).records.map((r) => r.recordId)).toEqual([5, 6]);
  });

  it('wraps a bare {System, EventData} document into {Event}', async () => {
    const p = join(dir, 'd.jsonl');
    writeFileSync(p, JSON.stringify(event(7, 'v').Event));
    const { records } = await readAll(p);
    expect(records[0]!.event.Event).toEqual(event(7, 'v').Event);
  });

  it('warns on invalid, foreign, oversize and truncated documents and keeps the good ones', async () => {
    const p = join(dir, 'e.jsonl');
    const huge = JSON.stringify(event(9, 'A'.repeat(5000)));
    writeFileSync(
      p,
      `{"Event": {oops}}\n{"foo": 1}\n${huge}\n${JSON.stringify(event(8, 'ok'))}\n{"Event": {"System": `,
    );
    const { records, warnings } = await readAll(p, 1000);
    expect(records.map((r) => r.recordId)).toEqual([8]);
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('invalide'),
      expect.stringContaining('sans Event.System'),
      expect.stringContaining('trop volumineux'),
      expect.stringContaining('tronqué'),
    ]);
  });
});
