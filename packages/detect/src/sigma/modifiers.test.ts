import { describe, expect, it } from 'vitest';
import { SigmaEngine } from './engine.js';
import { EventView } from './event-view.js';
import { base64OffsetVariants, checkRegexSafety, compileCidr, compileFieldItem, windashVariants } from './modifiers.js';
import { parseSigmaYaml } from './rule-parser.js';
import { aSysmonEvent } from './test-helpers.js';

const view = (data: Record<string, string | number | null | string[]>) => new EventView(aSysmonEvent(1, data).event);
const item = (key: string, value: unknown) => compileFieldItem(key, value, (f) => f);

describe('Sigma value modifiers', () => {
  const ev = view({
    CommandLine: 'powershell.exe -EncodedCommand SQBFAFgA',
    Image: 'C:\\Windows\\System32\\cmd.exe',
    Count: 7,
    Empty: '',
    Ip: '10.1.2.3',
    Ip6: 'fe80::1',
    Same: 'Admin',
    Other: 'admin',
  });

  it('matches plain values case-insensitively, with * and ? wildcards and escapes', () => {
    expect(item('Image', 'c:\\windows\\system32\\CMD.EXE')(ev)).toBe(true);
    expect(item('Image', '*\\cmd.exe')(ev)).toBe(true);
    expect(item('Image', 'C:\\Windows\\System32\\cm?.exe')(ev)).toBe(true);
    expect(item('Image', 'C:\\Win*32\\c*d.exe')(ev)).toBe(true);
    expect(item('Image', 'C:\\Windows\\System32\\cm\\?.exe')(ev)).toBe(false);
    expect(item('Image', 'cmd.exe')(ev)).toBe(false);
  });

  it('contains, startswith, endswith, all, cased', () => {
    expect(item('CommandLine|contains', 'encodedcommand')(ev)).toBe(true);
    expect(item('CommandLine|startswith', 'POWERSHELL')(ev)).toBe(true);
    expect(item('CommandLine|endswith', 'sqbfafga')(ev)).toBe(true);
    expect(item('CommandLine|contains|all', ['-enc', 'powershell'])(ev)).toBe(true);
    expect(item('CommandLine|contains|all', ['-enc', 'pwsh'])(ev)).toBe(false);
    expect(item('CommandLine|contains|cased', 'encodedcommand')(ev)).toBe(false);
    expect(item('CommandLine|contains|cased', 'EncodedCommand')(ev)).toBe(true);
  });

  it('re with i/m/s flags, and leading (?i)', () => {
    expect(item('CommandLine|re', '-Enc\\w+')(ev)).toBe(true);
    expect(item('CommandLine|re', '-enc\\w+')(ev)).toBe(false);
    expect(item('CommandLine|re|i', '-enc\\w+')(ev)).toBe(true);
    expect(item('CommandLine|re', '(?i)-ENC')(ev)).toBe(true);
    const multi = view({ Script: 'line1\nline2' });
    expect(item('Script|re|m', '^line2$')(multi)).toBe(true);
    expect(item('Script|re|s', 'line1.line2')(multi)).toBe(true);
    expect(item('Script|re', 'line1.line2')(multi)).toBe(false);
  });

  it('rejects catastrophic regular expressions and unsupported PCRE', () => {
    expect(checkRegexSafety('(a+)+$')).not.toBeNull();
    expect(checkRegexSafety('(.*a){3,}')).not.toBeNull();
    expect(checkRegexSafety('((ab)*c)*')).not.toBeNull();
    expect(checkRegexSafety('\\.exe[\\"\']?\\s+[^\\"]{0,64}x')).toBeNull();
    expect(() => item('CommandLine|re', '(a+)+$')).toThrow(/refusée/);
    expect(() => item('CommandLine|re', 'a++')).toThrow(/PCRE/);
    expect(() => item('CommandLine|re', '(?x) a')).toThrow();
    expect(() => item('CommandLine|re', '[')).toThrow(/invalide/);
  });

  it('cidr for IPv4 and IPv6', () => {
    expect(item('Ip|cidr', '10.0.0.0/8')(ev)).toBe(true);
    expect(item('Ip|cidr', '192.168.0.0/16')(ev)).toBe(false);
    expect(item('Ip6|cidr', 'fe80::/10')(ev)).toBe(true);
    expect(compileCidr('::ffff:0:0/96')('::ffff:10.0.0.1')).toBe(true);
    expect(compileCidr('2001:db8::/32')('2001:db9::1')).toBe(false);
    expect(() => compileCidr('10.0.0.0/33')).toThrow();
  });

  it('base64, base64offset and utf16 variants', () => {
    // "IEX" in UTF-16LE base64 is SQBFAFgA.
    expect(
      item(
        'CommandLine|base64offset|contains',
        'IEX',
      )(view({ CommandLine: `x ${Buffer.from('aIEXb').toString('base64')}` })),
    ).toBe(true);
    expect(item('CommandLine|wide|base64offset|contains', 'IEX')(ev)).toBe(true);
    expect(item('CommandLine|utf16le|base64|contains', 'IEX')(ev)).toBe(true);
    expect(item('CommandLine|base64|contains', 'http://')(view({ CommandLine: 'aHR0cDovLw==' }))).toBe(true);
    const variants = base64OffsetVariants(new TextEncoder().encode('/bin/sh'));
    expect(variants).toEqual(['L2Jpbi9za', '9iaW4vc2', 'vYmluL3No']);
    expect(() => item('CommandLine|utf16le', 'x')).toThrow(/sans base64/);
  });

  it('windash expands dashes and slashes', () => {
    expect(windashVariants(' -enc')).toEqual([' -enc', ' /enc', ' \u2013enc', ' \u2014enc', ' \u2015enc']);
    expect(item('CommandLine|windash|contains', '/encodedcommand')(ev)).toBe(true);
    expect(windashVariants('-a -b -c -d -e')).toHaveLength(5);
  });

  it('exists, null, numeric comparisons, fieldref, neq', () => {
    expect(item('Image|exists', true)(ev)).toBe(true);
    expect(item('Missing|exists', true)(ev)).toBe(false);
    expect(item('Missing|exists', false)(ev)).toBe(true);
    expect(item('Missing', null)(ev)).toBe(true);
    expect(item('Empty', null)(ev)).toBe(true);
    expect(item('Image', null)(ev)).toBe(false);
    expect(item('Count|gt', 5)(ev)).toBe(true);
    expect(item('Count|lt', 5)(ev)).toBe(false);
    expect(item('Count|gte', 7)(ev)).toBe(true);
    expect(item('Count|lte', 6)(ev)).toBe(false);
    expect(item('Count', 7)(ev)).toBe(true);
    expect(item('Same|fieldref', 'Other')(ev)).toBe(true);
    expect(item('Same|fieldref|cased', 'Other')(ev)).toBe(false);
    expect(item('Image|neq', 'x')(ev)).toBe(true);
    expect(item('Missing|neq', 'x')(ev)).toBe(false);
  });

  it('refuses unknown and unsupported modifiers', () => {
    expect(() => item('Image|frobnicate', 'x')).toThrow(/inconnu/);
    expect(() => item('Image|expand', '%x%')).toThrow(/non pris en charge/);
  });

  it('keyword searches look through every field value', () => {
    const { documents } = parseSigmaYaml(
      `title: kw\nlogsource: {product: windows, category: process_creation}\ndetection:\n  keywords: ['*encoded*', 'mimikatz']\n  condition: keywords\nlevel: high\n`,
      'kw.yml',
    );
    const engine = new SigmaEngine(documents);
    expect(engine.evaluate(aSysmonEvent(1, { CommandLine: 'a -EncodedCommand b' }))).toHaveLength(1);
    expect(engine.evaluate(aSysmonEvent(1, { CommandLine: 'calc' }))).toHaveLength(0);
  });

  it('keywords found through the literal index give the alerts of a plain scan, in the same order', () => {
    const yaml = (title: string, detection: string) =>
      `title: ${title}\nid: ${title}\nlogsource: {product: windows}\ndetection:\n${detection}\nlevel: high\n`;
    const { documents } = parseSigmaYaml(
      [
        yaml(
          'kw-literal',
          "  keywords: ['sekurlsa::', 'Kiwi Legit Printer', 'dépôt']\n  filter: {EventID: 15}\n  condition: keywords and not filter",
        ),
        yaml('kw-wildcard', "  keywords: ['lsadump::*sam', 'gentilkiwi']\n  condition: keywords"),
        yaml('kw-negated', "  keywords: ['calc']\n  condition: not keywords"),
        yaml('field', "  sel: {Image|endswith: '\\\\cmd.exe'}\n  condition: sel"),
      ].join('---\n'),
      'kw.yml',
    );
    const indexed = new SigmaEngine(documents);
    const plain = new SigmaEngine(documents, [], { prefilter: false });
    const events = [
      aSysmonEvent(1, { Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'mimikatz SEKURLSA::logonpasswords' }),
      aSysmonEvent(1, { CommandLine: 'calc', Description: 'DÉPÔT de fichiers' }),
      aSysmonEvent(15, { TargetFilename: 'C:\\x\\sekurlsa::.txt' }),
      aSysmonEvent(1, { CommandLine: 'lsadump::lsa /inject /sam', Product: 'Kiwi legit printer' }),
      aSysmonEvent(13, { Details: ['a', 'GentilKiwi'] }),
      aSysmonEvent(1, {}),
    ];
    const ids = (e: SigmaEngine) => events.map((ev) => e.evaluate(ev).map((a) => a.ruleId));
    expect(ids(indexed)).toEqual(ids(plain));
    // A view without literal-index buffers takes the plain glob scan: same answers.
    const scanned = events.map((ev) =>
      indexed.rules.filter((r) => r.variants[0]!.test(new EventView(ev.event))).map((r) => r.rule.id),
    );
    expect(scanned).toEqual(ids(indexed));
    expect(ids(indexed)).toEqual([
      ['kw-literal', 'kw-negated', 'field'],
      ['kw-literal'],
      ['kw-negated'],
      ['kw-literal', 'kw-wildcard', 'kw-negated'],
      ['kw-wildcard', 'kw-negated'],
      ['kw-negated'],
    ]);
  });

  it('bounds huge field values: a 5 MB command line is evaluated in bounded work', () => {
    const huge = view({ CommandLine: `${'A'.repeat(5_000_000)}!` });
    expect(item('CommandLine|contains', 'AAAB')(huge)).toBe(false);
    expect(item('CommandLine|re', 'A+!')(huge)).toBe(false); // past the regex input cap
    expect(item('CommandLine|endswith', 'a!')(huge)).toBe(true);
  });
});

describe('Sigma escapes', () => {
  it('treats \\* as a literal star and \\\\* as a backslash followed by a wildcard', () => {
    const ev = new EventView(aSysmonEvent(1, { A: 'x*y', B: 'C:\\dir\\file' }).event);
    expect(compileFieldItem('A', 'x\\*y', (f) => f)(ev)).toBe(true);
    expect(compileFieldItem('A', 'x\\*', (f) => f)(ev)).toBe(false);
    expect(compileFieldItem('B', 'C:\\dir\\\\*', (f) => f)(ev)).toBe(true);
  });
});
