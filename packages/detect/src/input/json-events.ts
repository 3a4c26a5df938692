import { createReadStream } from 'node:fs';
import type { EvtxRecord } from '../evtx/chunk.js';
import type { JsonObject, JsonValue } from '../evtx/render.js';
import type { EvtxWarning } from '../evtx/warnings.js';

export interface JsonReadOptions {
  onWarning?: (w: EvtxWarning) => void;
  /** Largest single JSON document accepted (bytes of text); longer ones are skipped with a warning. */
  maxDocumentChars?: number;
}

const DEFAULT_MAX_DOCUMENT = 16 * 1024 * 1024;

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Normalises one parsed document into a record: `{Event:{System,…}}`, or a bare `{System,…}` wrapped. */
export function toRecord(doc: unknown): EvtxRecord | null {
  if (!isObject(doc)) return null;
  const event: JsonObject = isObject(doc.Event) ? doc : isObject(doc.System) ? { Event: doc } : {};
  const root = event.Event;
  if (!isObject(root) || !isObject(root.System)) return null;
  const system = root.System;
  const rid = system.EventRecordID;
  const created = system.TimeCreated;
  let timestamp = '';
  if (isObject(created) && isObject(created['#attributes'])) {
    const t = created['#attributes'].SystemTime;
    if (typeof t === 'string') timestamp = t;
  }
  return { recordId: typeof rid === 'number' ? rid : Number(rid ?? 0) || 0, timestamp, event };
}

/**
 * Splits a stream of text into top-level JSON objects: JSON lines, concatenated documents (evtx_dump's
 * output, with or without "Record N" separators) or one top-level array of objects.
 */
export class JsonDocumentSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  private size = 0;
  private overflow = false;

  constructor(
    private readonly onDocument: (text: string) => void,
    private readonly onOversize: () => void,
    private readonly max: number,
  ) {}

  push(text: string): void {
    let start = this.depth > 0 ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
        continue;
      }
      if (this.depth === 0) {
        if (c === 123) {
          this.depth = 1;
          start = i;
        }
        continue;
      }
      if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) {
        if (--this.depth === 0) {
          this.append(text.slice(start, i + 1));
          this.flush();
          start = -1;
        }
      }
    }
    if (this.depth > 0 && start >= 0) this.append(text.slice(start));
  }

  private append(s: string): void {
    if (this.overflow) return;
    this.size += s.length;
    if (this.size > this.max) {
      this.overflow = true;
      this.parts = [];
      return;
    }
    this.parts.push(s);
  }

  private flush(): void {
    if (this.overflow) this.onOversize();
    else this.onDocument(this.parts.length === 1 ? (this.parts[0] as string) : this.parts.join(''));
    this.parts = [];
    this.size = 0;
    this.overflow = false;
  }

  /** True when input ended inside a document. */
  get pending(): boolean {
    return this.depth > 0;
  }
}

/** Reads events from a JSON / JSON-lines file (streamed), in the reference `{Event:…}` shape. */
export async function* readJsonEvents(path: string, options: JsonReadOptions = {}): AsyncGenerator<EvtxRecord[]> {
  const warn = options.onWarning ?? (() => {});
  let index = 0;
  let batch: EvtxRecord[] = [];
  const splitter = new JsonDocumentSplitter(
    (text) => {
      index++;
      let doc: JsonValue;
      try {
        doc = JSON.parse(text) as JsonValue;
      } catch (e) {
        warn({ code: 'record-binxml', message: `document JSON n°${index} invalide : ${(e as Error).message}` });
        return;
      }
      const record = toRecord(doc);
      if (record) batch.push(record);
      else warn({ code: 'record-binxml', message: `document JSON n°${index} sans Event.System, ignoré` });
    },
    () => {
      index++;
      warn({ code: 'record-binxml', message: `document JSON n°${index} trop volumineux, ignoré` });
    },
    options.maxDocumentChars ?? DEFAULT_MAX_DOCUMENT,
  );
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  for await (const text of stream) {
    splitter.push(text as string);
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  if (splitter.pending) warn({ code: 'truncated', message: 'fichier JSON tronqué : dernier document incomplet' });
}
