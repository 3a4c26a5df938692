import fc from 'fast-check';
import type { Entry } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { aCleanDomain, BASE, DOMAIN_SID, encodeAce, encodeObjectAce, encodeSd, NOW } from '../../test/builders.js';
import { runAudit } from '../audit.js';
import { certificateTemplateFromEntry } from './ldap-source.js';

// A pKICertificateTemplate entry as ldapts hands it over: strings, and Buffers for the binary attributes.
const TEMPLATES = `CN=Certificate Templates,CN=Public Key Services,CN=Services,CN=Configuration,${BASE}`;
const ENROLL = '0e10c968-78fb-11d2-90d4-00c04f79dc55';
const goodSd = Buffer.from(
  encodeSd(`${DOMAIN_SID}-512`, `${DOMAIN_SID}-512`, [
    encodeAce(0, 0, 0xf01ff, `${DOMAIN_SID}-512`),
    encodeObjectAce(5, 0x100, `${DOMAIN_SID}-513`, ENROLL),
  ]),
);
function entry(name: string, attrs: Record<string, string | string[] | Buffer | Buffer[]>): Entry {
  return {
    dn: `CN=${name},${TEMPLATES}`,
    cn: name,
    'msPKI-Certificate-Name-Flag': '1',
    'msPKI-Enrollment-Flag': '0',
    'msPKI-RA-Signature': '0',
    pKIExtendedKeyUsage: ['1.3.6.1.5.5.7.3.2'],
    nTSecurityDescriptor: goodSd,
    ...attrs,
  } as Entry;
}
const status = (s: ReturnType<typeof aCleanDomain>, id: string) =>
  runAudit(s, { now: NOW }).findings.find((f) => f.ruleId === id);

describe('LDAP collector: certificate template entries', () => {
  it('reads flags, EKUs and the security descriptor of a well-formed template', () => {
    const t = certificateTemplateFromEntry(entry('ESC1', {}));
    expect(t).toMatchObject({ name: 'ESC1', nameFlag: 1, extendedKeyUsages: ['1.3.6.1.5.5.7.3.2'] });
    expect(t.securityDescriptor?.dacl?.aces.map((a) => a.sid)).toContain(`${DOMAIN_SID}-513`);
    expect(t.securityDescriptorError).toBeUndefined();
    // AD sends msPKI-Certificate-Name-Flag with the high bit set as a negative 32-bit integer.
    expect(certificateTemplateFromEntry(entry('User', { 'msPKI-Certificate-Name-Flag': '-1509949440' })).nameFlag).toBe(
      0xa6000000,
    );
  });

  it('a truncated or hostile nTSecurityDescriptor is a per-template error, never a throw', () => {
    const cases: [string, Buffer, RegExp][] = [
      ['tronque', goodSd.subarray(0, 30), /SD_TRUNCATED|SD_BAD_OFFSET/],
      ['revision', Buffer.from([7, ...goodSd.subarray(1)]), /SD_BAD_REVISION/],
      [
        'offset',
        Buffer.from([...goodSd.subarray(0, 4), 0xff, 0xff, 0xff, 0x7f, ...goodSd.subarray(8)]),
        /SD_BAD_OFFSET/,
      ],
      ['vide', Buffer.alloc(0), /non renvoyé|illisible/],
    ];
    for (const [name, bytes, code] of cases) {
      const t = certificateTemplateFromEntry(entry(name, { nTSecurityDescriptor: bytes }));
      expect(t.securityDescriptor, name).toBeNull();
      expect(t.securityDescriptorError, name).toMatch(code);
    }
    const absent = entry('absent', {});
    delete absent.nTSecurityDescriptor;
    expect(certificateTemplateFromEntry(absent).securityDescriptorError).toMatch(/non renvoyé/);
  });

  it('non-numeric or out-of-range flags read as unset instead of NaN', () => {
    const t = certificateTemplateFromEntry(
      entry('flags', {
        'msPKI-Certificate-Name-Flag': 'abc',
        'msPKI-Enrollment-Flag': '99999999999999999999999',
        'msPKI-RA-Signature': ['', '1'],
      }),
    );
    expect(t).toMatchObject({ nameFlag: 0, enrollmentFlag: 0, raSignatures: 0 });
  });

  it('an ESC1-shaped template with an unreadable descriptor is undetermined: the rule is not evaluated, not passed', () => {
    const s = aCleanDomain();
    s.certificateTemplates.push(
      certificateTemplateFromEntry(entry('Illisible', { nTSecurityDescriptor: goodSd.subarray(0, 30) })),
    );
    for (const id of ['A-CertTempAuthEnrollWithName', 'A-CertTempControl']) {
      const f = status(s, id);
      expect(f?.status, id).toBe('not_evaluated');
      expect(f?.note, id).toContain(`CN=Illisible,${TEMPLATES}`);
      expect(f?.note, id).toMatch(/^données illisibles/);
    }
    // Its EKU is client authentication only: it cannot be an any-purpose template, whatever its descriptor.
    expect(status(s, 'A-CertTempAnyPurpose')?.status).toBe('passed');
    // A readable vulnerable template still fails the rule; the unreadable one is named in the note.
    s.certificateTemplates.push(certificateTemplateFromEntry(entry('ESC1', {})));
    const f = status(s, 'A-CertTempAuthEnrollWithName');
    expect(f?.status).toBe('failed');
    expect(f?.affected.map((a) => a.name)).toEqual(['ESC1']);
    expect(f?.note).toContain('CN=Illisible');
  });

  it('fuzz: random descriptor bytes and random CA certificates never crash the collector or the audit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (sdBytes, certBytes) => {
        const s = aCleanDomain();
        s.certificateTemplates.push(
          certificateTemplateFromEntry(entry('Fuzz', { nTSecurityDescriptor: Buffer.from(sdBytes) })),
        );
        s.certificationAuthorities.push({
          dn: `CN=Fuzz,${BASE}`,
          name: 'Fuzz',
          store: 'enrollment',
          certificates: [certBytes],
        });
        const b = runAudit(s, { now: NOW });
        for (const id of ['A-CertTempAuthEnrollWithName', 'A-CertTempControl', 'A-CertWeakHash', 'A-CertWeakRsa'])
          expect(b.findings.find((f) => f.ruleId === id)?.status).toMatch(/^(passed|failed|not_evaluated)$/);
      }),
      { numRuns: 300 },
    );
  });
});
