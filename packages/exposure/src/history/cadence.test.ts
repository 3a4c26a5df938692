import { describe, expect, it } from 'vitest';
import { d1CadenceVerdict } from './cadence.js';

const audit = (id: string, date: string, minimumLevel = true) => ({ id, scannedAt: `${date}T10:00:00Z`, minimumLevel });

describe('CaRE D1.O2 cadence', () => {
  it('is met by two audits 45 to 60 days apart, both at the minimum level', () => {
    const v = d1CadenceVerdict([audit('a', '2025-01-01'), audit('b', '2025-02-20')]);
    expect(v.met).toBe(true);
    expect(v.evidence?.daysApart).toBe(50);
    expect([v.evidence?.first.id, v.evidence?.second.id]).toEqual(['a', 'b']);
  });

  it('accepts the bounds 45 and 60 and refuses 44 and 61', () => {
    expect(d1CadenceVerdict([audit('a', '2025-01-01'), audit('b', '2025-02-15')]).met).toBe(true); // 45
    expect(d1CadenceVerdict([audit('a', '2025-01-01'), audit('b', '2025-03-02')]).met).toBe(true); // 60
    expect(d1CadenceVerdict([audit('a', '2025-01-01'), audit('b', '2025-02-14')]).met).toBe(false); // 44
    expect(d1CadenceVerdict([audit('a', '2025-01-01'), audit('b', '2025-03-03')]).met).toBe(false); // 61
  });

  it('is not met when one of the spaced audits is below the minimum level', () => {
    const v = d1CadenceVerdict([audit('a', '2025-01-01', false), audit('b', '2025-02-20')]);
    expect(v.met).toBe(false);
    expect(v.reason).toMatch(/pas tous deux/);
  });

  it('ignores monthly scans in between and picks the most recent qualifying pair', () => {
    const v = d1CadenceVerdict([
      audit('jan', '2025-01-05'),
      audit('feb', '2025-02-05', false),
      audit('mar', '2025-03-05'),
      audit('apr', '2025-04-05'),
      audit('may', '2025-05-01'),
    ]);
    expect(v.met).toBe(true);
    expect([v.evidence?.first.id, v.evidence?.second.id]).toEqual(['mar', 'may']);
  });

  it('handles empty, single and undated histories', () => {
    expect(d1CadenceVerdict([]).met).toBe(false);
    expect(d1CadenceVerdict([audit('a', '2025-01-01')]).met).toBe(false);
    expect(
      d1CadenceVerdict([{ id: 'x', scannedAt: 'not a date', minimumLevel: true }, audit('a', '2025-01-01')]).met,
    ).toBe(false);
  });
});
