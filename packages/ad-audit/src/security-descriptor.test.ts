import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeAce as ace, encodeSd, encodeObjectAce as objectAce } from '../test/builders.js';
import { ACE_TYPE, parseSecurityDescriptor, SecurityDescriptorError } from './security-descriptor.js';

const DOMAIN = 'S-1-5-21-1004336348-1177238915-682003330';

describe('security descriptor parser', () => {
  it('reads owner, group and plain and object ACEs', () => {
    const sd = parseSecurityDescriptor(
      encodeSd(`${DOMAIN}-512`, `${DOMAIN}-513`, [
        ace(ACE_TYPE.ACCESS_ALLOWED, 0x10, 0xf01ff, 'S-1-5-18'),
        objectAce(ACE_TYPE.ACCESS_ALLOWED_OBJECT, 0x100, `${DOMAIN}-1105`, '1131f6ad-9c07-11d1-f79f-00c04fc2dcd2'),
      ]),
    );
    expect(sd.owner).toBe(`${DOMAIN}-512`);
    expect(sd.group).toBe(`${DOMAIN}-513`);
    expect(sd.dacl?.aces).toHaveLength(2);
    expect(sd.dacl?.aces[0]).toMatchObject({ type: 0, flags: 0x10, mask: 0xf01ff, sid: 'S-1-5-18', objectType: null });
    expect(sd.dacl?.aces[1]).toMatchObject({
      type: 5,
      mask: 0x100,
      sid: `${DOMAIN}-1105`,
      objectType: '1131f6ad-9c07-11d1-f79f-00c04fc2dcd2',
    });
    expect(sd.sacl).toBeNull();
  });

  it('rejects a truncated header, a bad offset and an ACE count larger than the ACL', () => {
    const good = encodeSd('S-1-5-18', 'S-1-5-18', [ace(0, 0, 1, 'S-1-1-0')]);
    expect(() => parseSecurityDescriptor(good.subarray(0, 10))).toThrow(/SD_TRUNCATED/);
    const badOffset = Uint8Array.from(good);
    badOffset[4] = 0xff;
    badOffset[5] = 0xff;
    expect(() => parseSecurityDescriptor(badOffset)).toThrow(/SD_BAD_OFFSET/);
    const lying = Uint8Array.from(good);
    const daclOff = lying[16] as number;
    lying[daclOff + 4] = 200;
    expect(() => parseSecurityDescriptor(lying)).toThrow(/SD_BAD_ACE/);
    expect(() => parseSecurityDescriptor(new Uint8Array(0))).toThrow(SecurityDescriptorError);
  });

  it('rejects a SID claiming more sub-authorities than exist', () => {
    const sd = encodeSd('S-1-5-21-1-2-3', 'S-1-5-18', []);
    sd[21] = 15;
    expect(() => parseSecurityDescriptor(sd)).toThrow(/SD_(BAD_SID|TRUNCATED)/);
  });

  it('fuzz: random and mutated inputs only ever raise SecurityDescriptorError', () => {
    const seed = encodeSd(`${DOMAIN}-512`, `${DOMAIN}-513`, [
      ace(0, 2, 0xf01ff, 'S-1-5-18'),
      objectAce(5, 0x20, 'S-1-5-11', 'bf9679c0-0de6-11d0-a285-00aa003049e2'),
    ]);
    const check = (bytes: Uint8Array) => {
      try {
        const sd = parseSecurityDescriptor(bytes);
        expect(sd.dacl === null || Array.isArray(sd.dacl.aces)).toBe(true);
      } catch (e) {
        if (!(e instanceof SecurityDescriptorError)) throw e;
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => check(b)),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(seed.length),
        (edits, cut) => {
          const b = Uint8Array.from(seed);
          for (const [i, v] of edits) b[i] = v;
          check(b.subarray(0, cut));
          check(b);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('parses a huge ACL (65535-byte limit) in bounded work', () => {
    const aces = Array.from({ length: 1800 }, (_, i) => ace(0, 0, i, `${DOMAIN}-${1000 + i}`));
    const sd = parseSecurityDescriptor(encodeSd('S-1-5-18', 'S-1-5-18', aces));
    expect(sd.dacl?.aces).toHaveLength(1800);
    expect(sd.dacl?.aces[1799]?.sid).toBe(`${DOMAIN}-2799`);
  });
});
