import { describe, expect, it } from 'vitest';
import { CASE_A, level, mini } from '../../test/fixtures/mini-referential.js';
import { loadBundledReferential } from './loader.js';
import { generateRoadmap, roadmapEditSchema } from './roadmap.js';

describe('generateRoadmap — case A, public establishment', () => {
  // Gaps of case A: R2 (partial, O1), R3 (don't know, O1), R7 (no, mandatory, O3). R5 is N/A: no gap.
  // Measures: R2, R3 → MB (P3); R7 → MD (P2) and ME (P4).
  const roadmap = generateRoadmap(mini, CASE_A, 'public', { today: '2026-01-01' });
  const item = (id: string) => roadmap.items.find((i) => i.measureId === id)!;

  it('lists one item per measure addressing a gap, with the gaps it addresses', () => {
    expect(roadmap.items.map((i) => i.measureId).sort()).toEqual(['MB', 'MD', 'ME']);
    expect(item('MB')).toMatchObject({ requirements: ['R2', 'R3'], objectives: ['O1'], mandatory: false });
    expect(item('MD')).toMatchObject({ requirements: ['R7'], objectives: ['O3'], mandatory: true });
    expect(roadmap.referential).toEqual({ id: 'mini', version: 3 });
  });

  it('computes the objectives a measure would unblock, dependencies included', () => {
    // MB: R2, R3 full → O1 = (3+1+2)/6 = 1, reached; O2 (score 1) was blocked only by O1 → reached too.
    expect(item('MB').unblocks).toEqual(['O1', 'O2']);
    // MD: R7 yes → O3 = (2+2)/4 = 1 and no mandatory left → reached.
    expect(item('MD').unblocks).toEqual(['O3']);
  });

  it('computes the overall score gain of each measure', () => {
    // Baseline overall = ((2×3.5/6 + 1)/3 + 3×0.5)/4 = 0.555556.
    const baseline = ((2 * (3.5 / 6) + 1) / 3 + 1.5) / 4;
    // MB: G = (2×1 + 1×1)/3 = 1 → overall = (1 + 1.5)/4 = 0.625.
    expect(item('MB').gain).toBeCloseTo(0.625 - baseline, 10);
    // MD: T = 1 → overall = ((2×3.5/6 + 1)/3 + 3)/4 = 0.930556.
    expect(item('MD').gain).toBeCloseTo(((2 * (3.5 / 6) + 1) / 3 + 3) / 4 - baseline, 10);
  });

  it('ranks the measures lifting a mandatory blocker first, then by priority', () => {
    // MD and ME lift mandatory R7; MD is P2, ME is P4; MB (P3) lifts no mandatory item although it unblocks more.
    expect(roadmap.items.map((i) => [i.rank, i.measureId])).toEqual([
      [1, 'MD'],
      [2, 'ME'],
      [3, 'MB'],
    ]);
  });

  it('sets due dates from the priority and totals the open costs', () => {
    // P2 +180 days from 2026-01-01 = 2026-06-30; P3 +365 = 2027-01-01; P4 +540 = 2027-06-25.
    expect([item('MD').dueDate, item('MB').dueDate, item('ME').dueDate]).toEqual([
      '2026-06-30',
      '2027-01-01',
      '2027-06-25',
    ]);
    // build 4000 + 2000 + 0 = 6000; run 400 + 200 + 50 = 650.
    expect(roadmap.totals).toEqual({ build: 6000, run: 650 });
    expect(roadmap.items.every((i) => i.status === 'todo' && i.owner === null)).toBe(true);
  });
});

describe('generateRoadmap — editing', () => {
  it('keeps owner, due date and status from the previous roadmap and reports resolved measures', () => {
    const previous = [
      { measureId: 'MB', owner: 'DSI', dueDate: '2026-03-31', status: 'in_progress' as const },
      { measureId: 'ME', owner: null, dueDate: null, status: 'dropped' as const },
      { measureId: 'MA', owner: 'RSSI', dueDate: '2026-02-01', status: 'done' as const },
    ];
    const roadmap = generateRoadmap(mini, CASE_A, 'public', { today: '2026-01-01', previous });
    expect(roadmap.items.find((i) => i.measureId === 'MB')).toMatchObject({
      owner: 'DSI',
      dueDate: '2026-03-31',
      status: 'in_progress',
    });
    // MA's requirement R1 is met: it no longer appears and is reported as resolved.
    expect(roadmap.resolved).toEqual(['MA']);
    // ME dropped: excluded from the totals → build 4000 + 2000, run 400 + 200.
    expect(roadmap.totals).toEqual({ build: 6000, run: 600 });
  });

  it('counts edited costs in the totals, keeps the estimate beside them, and null goes back to the estimate', () => {
    const base = generateRoadmap(mini, CASE_A, 'public', { today: '2026-01-01' });
    const mb = base.items.find((i) => i.measureId === 'MB')!;
    const previous = [
      { measureId: 'MB', owner: null, dueDate: null, status: 'todo' as const, costBuild: 12_345, costRun: null },
    ];
    const edited = generateRoadmap(mini, CASE_A, 'public', { today: '2026-01-01', previous });
    const item = edited.items.find((i) => i.measureId === 'MB')!;
    expect(item.cost).toEqual({ build: 12_345, run: mb.cost.run });
    expect(item.estimate).toEqual(mb.cost);
    expect(edited.totals.build - base.totals.build).toBe(12_345 - mb.cost.build);
    expect(edited.totals.run).toBe(base.totals.run);
    expect(roadmapEditSchema.safeParse({ ...previous[0], costBuild: -1 }).success).toBe(false);
    expect(roadmapEditSchema.safeParse({ ...previous[0], costBuild: 1.5 }).success).toBe(false);
    expect(roadmapEditSchema.safeParse({ ...previous[0], costRun: 100_000_001 }).success).toBe(false);
  });

  it('takes the owner of the objective a measure serves, unless the measure has its own', () => {
    // CASE_A: MD and ME serve O3, MB serves O1.
    const objectiveOwners = { O3: 'Mme Qualité', O1: 'M. DSI' };
    const previous = [{ measureId: 'ME', owner: 'RSSI', dueDate: null, status: 'todo' as const }];
    const roadmap = generateRoadmap(mini, CASE_A, 'public', { today: '2026-01-01', previous, objectiveOwners });
    const byId = new Map(roadmap.items.map((i) => [i.measureId, i]));
    expect(byId.get('MD')).toMatchObject({ owner: 'Mme Qualité', ownerFrom: 'objective' });
    expect(byId.get('ME')).toMatchObject({ owner: 'RSSI', ownerFrom: 'measure' });
    expect(byId.get('MB')).toMatchObject({ owner: 'M. DSI', ownerFrom: 'objective' });
    const unowned = generateRoadmap(mini, CASE_A, 'public', { today: '2026-01-01' });
    expect(unowned.items.every((i) => i.owner === null && i.ownerFrom === null)).toBe(true);
  });

  it('produces an empty roadmap when everything is met', () => {
    const all = { R1: level('yes'), R2: level('full'), R3: level('full'), R4: level('yes'), R5: level('full') };
    const roadmap = generateRoadmap(mini, { ...all, R6: level('full'), R7: level('yes') }, 'public', {
      today: '2026-01-01',
    });
    expect(roadmap.items).toEqual([]);
    expect(roadmap.totals).toEqual({ build: 0, run: 0 });
  });

  it('refuses an invalid generation date and validates edits', () => {
    expect(() => generateRoadmap(mini, {}, 'public', { today: '2026-13-45' })).toThrow(/date/);
    expect(
      roadmapEditSchema.safeParse({ measureId: 'MB', owner: 'x', dueDate: '31/03/2026', status: 'todo' }).success,
    ).toBe(false);
    expect(
      roadmapEditSchema.safeParse({ measureId: 'MB', owner: null, dueDate: null, status: 'finished' }).success,
    ).toBe(false);
  });

  it('on the shipped CaRE referential, puts mandatory P1 measures first for a blank assessment', async () => {
    const care = await loadBundledReferential('care-2025');
    const roadmap = generateRoadmap(care, {}, 'public', { today: '2026-01-01' });
    expect(roadmap.items.length).toBe(care.measures.length);
    expect(roadmap.items[0]).toMatchObject({ mandatory: true, priority: 'P1', rank: 1 });
    const firstOptional = roadmap.items.findIndex((i) => !i.mandatory);
    expect(roadmap.items.slice(firstOptional).every((i) => !i.mandatory)).toBe(true);
  });
});
