import { describe, expect, it } from 'vitest';
import { SigmaEngine } from './engine.js';
import { EventView, FieldStore } from './event-view.js';
import { parseSigmaYaml } from './rule-parser.js';
import { aSysmonEvent } from './test-helpers.js';

describe('EventView', () => {
  it('flattens System elements, their attributes and EventData leaves', () => {
    const view = new EventView(aSysmonEvent(1, { Image: 'C:\\Windows\\System32\\cmd.exe', 'Source Name': 'x' }).event);
    expect(view.get('EventID')).toBe(1);
    expect(view.get('Provider_Name')).toBe('Microsoft-Windows-Sysmon');
    expect(view.get('Name')).toBe('Microsoft-Windows-Sysmon');
    expect(view.get('Image')).toBe('C:\\Windows\\System32\\cmd.exe');
    expect(view.get('SourceName')).toBe('x');
    expect(view.get('image')).toBeUndefined();
    expect(view.channel).toBe('Microsoft-Windows-Sysmon/Operational');
    expect(view.allStrings()).toContain('C:\\Windows\\System32\\cmd.exe');
  });

  it('views on a shared store: each event sees only its fields; detach keeps one past the next event', () => {
    const store = new FieldStore();
    const first = new EventView(aSysmonEvent(1, { Image: 'a.exe', CommandLine: 'a.exe -x' }).event, 1, '', store);
    expect(first.strings('CommandLine', true)).toEqual(['a.exe -x']);
    const kept = first.detach();
    const second = new EventView(aSysmonEvent(11, { TargetFilename: 'C:\\b.txt' }).event, 2, '', store);
    expect(second.get('Image')).toBeUndefined();
    expect(second.get('CommandLine')).toBeUndefined();
    expect(second.strings('CommandLine', true)).toBeNull();
    expect(second.get('TargetFilename')).toBe('C:\\b.txt');
    expect(kept.get('Image')).toBe('a.exe');
    expect(kept.allStrings()).toContain('a.exe -x');
    expect(kept.detach()).toBe(kept);
    expect(() => first.allStrings()).toThrow();
  });

  it('keeps every field of an event with more distinct names than the numbered ones', () => {
    const data: Record<string, string> = {};
    for (let i = 0; i < 17000; i++) data[`F${i}`] = `v${i}`;
    const view = new EventView(aSysmonEvent(1, data).event);
    expect(view.get('F0')).toBe('v0');
    expect(view.get('F16999')).toBe('v16999');
    expect(view.strings('F16999', true)).toEqual(['v16999']);
    expect(view.allStrings()).toContain('v16999');
    expect(view.allStrings()).toContain('v0');
  });

  it('matches field names exactly, as the Sigma specification, Hayabusa and Chainsaw do: values ignore case, names do not', () => {
    const rule = (field: string) =>
      `title: ${field}\nid: ${field}\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel: {${field}|contains: 'whoami'}\n  condition: sel\nlevel: low\n`;
    const { documents, problems } = parseSigmaYaml(
      [rule('CommandLine'), rule('commandline')].join('---\n'),
      'case.yml',
    );
    expect(problems).toEqual([]);
    const engine = new SigmaEngine(documents);
    const alerts = engine.evaluate(aSysmonEvent(1, { CommandLine: 'WHOAMI /all' }));
    expect(alerts.map((a) => a.ruleId)).toEqual(['CommandLine']);
  });
});
