import { describe, expect, it } from 'vitest';
import { cidrContains, parseAddress, parseCidr } from './cidr.js';
import { assertInScope, parseScope, ScopeError, scopeAddresses } from './scope.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof ScopeError ? e.code : `other:${(e as Error).message}`;
  }
  return undefined;
}

describe('CIDR parsing', () => {
  it('parses IPv4 and IPv6 networks and bare addresses', () => {
    expect(parseCidr('192.0.2.0/24').last - parseCidr('192.0.2.0/24').first).toBe(255n);
    expect(parseCidr('2001:db8::/32').prefix).toBe(32);
    expect(parseCidr('198.51.100.7').prefix).toBe(32);
    expect(parseAddress('::ffff:192.0.2.1')?.value).toBe(0xffffc0000201n);
    expect(cidrContains(parseCidr('2001:db8::/32'), '2001:db8:ffff::1')).toBe(true);
    expect(cidrContains(parseCidr('2001:db8::/32'), '2001:db9::1')).toBe(false);
    expect(cidrContains(parseCidr('192.0.2.0/24'), '2001:db8::1')).toBe(false);
  });

  it('rejects malformed networks with a stable code', () => {
    for (const bad of ['300.1.1.1/24', '192.0.2.0/33', '192.0.2.0/24/1', '2001:db8::/129', 'abc', '', '1.2.3.4/-1']) {
      expect(() => parseCidr(bad), bad).toThrow();
    }
    expect(() => parseCidr('192.0.2.1/24')).toThrow(/bits d'hôte/);
    expect(() => parseCidr(`1${'1'.repeat(10_000)}`)).toThrow(/trop long/);
  });
});

describe('scope file', () => {
  it('reads a YAML scope with domains and public ranges', () => {
    const scope = parseScope(
      'establishment: CH Exemple\nfiness: "010000024"\ndomains: [ch-exemple.fr]\nranges: [192.0.2.0/28, "2001:db8::/64"]\n',
    );
    expect(scope.domains).toEqual(['ch-exemple.fr']);
    expect(scope.ranges.map((r) => r.text)).toEqual(['192.0.2.0/28', '2001:db8::/64']);
    expect(scope.allowPrivate).toBe(false);
    expect(scopeAddresses({ ...scope, ranges: scope.ranges.slice(0, 1) })).toHaveLength(16);
  });

  it('reads the same scope as JSON', () => {
    const scope = parseScope(JSON.stringify({ domains: ['a.example.org'], ranges: ['198.51.100.0/30'] }));
    expect(scopeAddresses(scope)).toEqual(['198.51.100.0', '198.51.100.1', '198.51.100.2', '198.51.100.3']);
  });

  it('reports overlapping, invalid and non-public ranges clearly', () => {
    expect(codeOf(() => parseScope('ranges: [192.0.2.0/24, 192.0.2.128/25]'))).toBe('SCOPE_CIDR_OVERLAP');
    expect(codeOf(() => parseScope('ranges: ["2001:db8::/32", "2001:db8:1::/48"]'))).toBe('SCOPE_CIDR_OVERLAP');
    expect(codeOf(() => parseScope('ranges: [192.0.2.0/40]'))).toBe('SCOPE_CIDR_INVALID');
    expect(codeOf(() => parseScope('ranges: [192.0.2.5/24]'))).toBe('SCOPE_CIDR_INVALID');
    for (const priv of [
      '10.0.0.0/8',
      '127.0.0.1',
      '169.254.1.0/24',
      '192.168.1.0/24',
      'fe80::/64',
      '::1',
      'fd00::/8',
      '0.0.0.0/0',
    ]) {
      expect(
        codeOf(() => parseScope(`ranges: ["${priv}"]`)),
        priv,
      ).toBe('SCOPE_NON_PUBLIC');
    }
    expect(parseScope('ranges: [10.213.0.0/16]', { lab: true }).allowPrivate).toBe(true);
    expect(parseScope('allowPrivate: true\nranges: [127.0.0.0/8]').ranges).toHaveLength(1);
  });

  it('rejects syntax errors, unknown keys, wrong types and huge files', () => {
    expect(codeOf(() => parseScope('ranges: [unclosed'))).toBe('SCOPE_SYNTAX');
    expect(codeOf(() => parseScope('rangez: []'))).toBe('SCOPE_SCHEMA');
    expect(codeOf(() => parseScope('ranges: 12'))).toBe('SCOPE_SCHEMA');
    expect(codeOf(() => parseScope('domains: ["not a domain"]'))).toBe('SCOPE_SCHEMA');
    expect(codeOf(() => parseScope('\u0000\u0001binary'))).toMatch(/SCOPE_/);
    expect(codeOf(() => parseScope(`ranges: [${'"1.2.3.4",'.repeat(200_000)}]`))).toBe('SCOPE_SYNTAX');
    expect(codeOf(() => scopeAddresses(parseScope('ranges: ["2001:db8::/64"]')))).toBe('SCOPE_SCHEMA');
  });

  it('refuses targets outside the declared ranges and non-public targets outside lab mode', () => {
    const scope = parseScope('ranges: [192.0.2.0/28]');
    expect(() => assertInScope(scope, '192.0.2.3')).not.toThrow();
    expect(codeOf(() => assertInScope(scope, '192.0.2.16'))).toBe('TARGET_OUT_OF_SCOPE');
    expect(codeOf(() => assertInScope(scope, 'example.org'))).toBe('TARGET_OUT_OF_SCOPE');
    expect(codeOf(() => assertInScope(scope, '127.0.0.1'))).toBe('SCOPE_NON_PUBLIC');
    const lab = parseScope('ranges: [127.0.0.0/24]', { lab: true });
    expect(() => assertInScope(lab, '127.0.0.9')).not.toThrow();
    expect(codeOf(() => assertInScope(lab, '127.0.1.1'))).toBe('TARGET_OUT_OF_SCOPE');
  });
});
