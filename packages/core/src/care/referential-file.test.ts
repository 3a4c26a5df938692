import { describe, expect, it } from 'vitest';
import { ReferentialError, type ReferentialIssue } from './errors.js';
import { parseReferential } from './referential-file.js';

/** A small valid referential; tests alter one line to get each refusal. Line numbers are 1-based. */
const VALID = `format: rempart-referential/1
id: mini
urn: urn:rempart:referential:mini
version: 2
locale: fr
name: Mini
description: Référentiel de test
publication_date: 2025-06-01
provenance:
  publisher: Rempart
  sources:
    - title: Source
      url: https://example.org/care
changelog:
  - version: 1
    date: 2025-01-01
    changes: [Création]
  - version: 2
    date: 2025-06-01
    changes: [Ajout de A1.O2]
scales:
  - id: yes_no
    label: Oui / non
    met_from: yes
    levels:
      - { id: no, label: Non, score: 0 }
      - { id: yes, label: Oui, score: 1 }
measures:
  - id: M1
    title: Rédiger la PSSI
    why: Sans politique, pas de pilotage.
    how: Partir du modèle ANSSI.
    effort: medium
    priority: P1
    cost: { build: 5000, run: 500 }
framework:
  axes:
    - id: A1
      title: Gouvernance
      weight: 1
      wording: { kind: official, source: https://example.org/axes }
      objectives:
        - id: A1.O1
          title: Piloter
          weight: 1
          wording: rempart
          reached: { threshold: 0.8 }
          requirements:
            - id: A1.O1.R1
              title: PSSI
              questions: [Disposez-vous d'une PSSI ?]
              scale: yes_no
              weight: 2
              mandatory: true
              measures: [M1]
              wording: rempart
        - id: A1.O2
          title: Tester
          weight: 1
          wording: rempart
          reached: { threshold: 1 }
          depends_on: [A1.O1]
          requirements:
            - id: A1.O2.R1
              title: Exercice
              questions: [Un exercice a-t-il eu lieu ?]
              scale: yes_no
              weight: 1
              wording: rempart
`;

function lineOf(source: string, fragment: string, occurrence = 1): number {
  const lines = source.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    const matches = fragment.endsWith('\n') ? `${lines[i]}\n` === fragment : lines[i]!.includes(fragment);
    if (matches && ++seen === occurrence) return i + 1;
  }
  throw new Error(`fragment not found: ${fragment}`);
}

function issuesOf(source: string): ReferentialIssue[] {
  try {
    parseReferential(source, 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ReferentialError);
    return (error as ReferentialError).issues;
  }
  throw new Error('referential was accepted');
}

describe('parseReferential', () => {
  it('reads a valid referential into the domain shape, with defaults made explicit', () => {
    const ref = parseReferential(VALID);
    expect(ref).toMatchObject({ id: 'mini', version: 2, locale: 'fr', publicationDate: '2025-06-01' });
    expect(ref.scales[0]).toMatchObject({ id: 'yes_no', metFrom: 'yes' });
    const objective = ref.axes[0]!.objectives[1]!;
    expect(objective.dependsOn).toEqual(['A1.O1']);
    expect(objective.wording).toEqual({ kind: 'rempart' });
    expect(ref.axes[0]!.wording).toEqual({ kind: 'official', source: 'https://example.org/axes' });
    const requirement = objective.requirements[0]!;
    expect(requirement.mandatory).toBe(false);
    expect(requirement.applicability).toEqual(['public', 'private_non_profit', 'private_for_profit', 'medico_social']);
    expect(requirement.evidence).toEqual([]);
  });

  it('refuses a dependency cycle between objectives, at the line that closes it', () => {
    const source = VALID.replace(
      '          reached: { threshold: 0.8 }\n',
      '          reached: { threshold: 0.8 }\n          depends_on: [A1.O2]\n',
    );
    const issues = issuesOf(source);
    expect(issues).toHaveLength(1);
    // Depth-first from A1.O1: the edge A1.O2 → A1.O1 closes the cycle, so it is reported there.
    expect(issues[0]).toMatchObject({ code: 'dependency_cycle', line: lineOf(source, 'depends_on: [A1.O1]') });
    expect(issues[0]!.message).toContain('A1.O1 → A1.O2 → A1.O1');
  });

  it('refuses an objective that depends on itself', () => {
    const source = VALID.replace('depends_on: [A1.O1]', 'depends_on: [A1.O2]');
    const issues = issuesOf(source);
    expect(issues[0]).toMatchObject({ code: 'dependency_cycle', line: lineOf(source, 'depends_on: [A1.O2]') });
  });

  it('refuses a duplicate requirement id, pointing at the second occurrence', () => {
    const source = VALID.replace('- id: A1.O2.R1', '- id: A1.O1.R1');
    const issues = issuesOf(source);
    expect(issues).toEqual([
      expect.objectContaining({ code: 'duplicate_id', line: lineOf(source, '- id: A1.O1.R1', 2), column: 19 }),
    ]);
  });

  it('refuses an objective id reused by an axis', () => {
    const source = VALID.replace('- id: A1.O2\n', '- id: A1\n');
    expect(issuesOf(source)[0]).toMatchObject({ code: 'duplicate_id', line: lineOf(source, '        - id: A1\n') });
  });

  it('refuses a duplicate level id inside a scale', () => {
    const source = VALID.replace('{ id: yes, label: Oui', '{ id: no, label: Oui');
    expect(issuesOf(source)).toContainEqual(
      expect.objectContaining({ code: 'duplicate_id', line: lineOf(source, 'label: Oui, score') }),
    );
  });

  it('refuses a requirement on an unknown scale', () => {
    const source = VALID.replace('scale: yes_no\n              weight: 1', 'scale: maturity\n              weight: 1');
    expect(issuesOf(source)).toEqual([
      expect.objectContaining({ code: 'unknown_scale', line: lineOf(source, 'scale: maturity') }),
    ]);
  });

  it('refuses a scale whose met_from is not one of its levels', () => {
    const source = VALID.replace('met_from: yes', 'met_from: maybe');
    expect(issuesOf(source)).toEqual([
      expect.objectContaining({ code: 'unknown_level', line: lineOf(source, 'met_from: maybe') }),
    ]);
  });

  it('refuses a requirement without a weight, at the requirement', () => {
    const source = VALID.replace('              weight: 2\n', '');
    const issues = issuesOf(source);
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'missing_weight',
        line: lineOf(source, '- id: A1.O1.R1'),
        message: 'poids manquant',
      }),
    ]);
    expect(issues[0]!.path).toBe('framework.axes.0.objectives.0.requirements.0.weight');
  });

  it('refuses an objective without a weight and a zero weight', () => {
    const source = VALID.replace(
      '          weight: 1\n          wording: rempart\n          reached: { threshold: 1 }',
      '          wording: rempart\n          reached: { threshold: 1 }',
    ).replace('weight: 2', 'weight: 0');
    const issues = issuesOf(source);
    expect(issues.map((i) => [i.code, i.line])).toEqual(
      expect.arrayContaining([
        ['missing_weight', lineOf(source, '- id: A1.O2\n'.trim())],
        ['missing_weight', lineOf(source, 'weight: 0')],
      ]),
    );
  });

  it('refuses an indicator rule giving a level its scale does not have', () => {
    const source = VALID.replace(
      'measures: [M1]',
      'measures: [M1]\n              indicator: { key: ad.audit_done, answers: [{ when: { equals: true }, level: oui }] }',
    );
    expect(issuesOf(source)).toEqual([
      expect.objectContaining({ code: 'unknown_level', line: lineOf(source, 'key: ad.audit_done') }),
    ]);
  });

  it('refuses references to undeclared measures and objectives', () => {
    const source = VALID.replace('measures: [M1]', 'measures: [M9]').replace('depends_on: [A1.O1]', 'depends_on: [A9]');
    const issues = issuesOf(source);
    expect(issues.map((i) => i.code).sort()).toEqual(['unknown_measure', 'unknown_objective']);
    expect(issues.find((i) => i.code === 'unknown_measure')!.line).toBe(lineOf(source, 'measures: [M9]'));
  });

  it('refuses official wording without its source URL', () => {
    const source = VALID.replace('{ kind: official, source: https://example.org/axes }', '{ kind: official }');
    expect(issuesOf(source)[0]).toMatchObject({ code: 'schema', line: lineOf(source, '{ kind: official }') });
  });

  it('refuses unknown keys, so a typo is not silently ignored', () => {
    const source = VALID.replace('mandatory: true', 'mandatroy: true');
    expect(issuesOf(source)[0]).toMatchObject({ code: 'schema', line: lineOf(source, '- id: A1.O1.R1') });
  });

  it('refuses an unknown establishment category', () => {
    const source = VALID.replace('mandatory: true', 'mandatory: true\n              applicability: [public, clinique]');
    expect(issuesOf(source)[0]).toMatchObject({ code: 'schema', line: lineOf(source, 'applicability') });
  });

  it('refuses a version the change log does not describe', () => {
    const source = VALID.replace('version: 2\nlocale', 'version: 3\nlocale');
    expect(issuesOf(source)[0]).toMatchObject({ code: 'changelog', line: lineOf(source, 'changelog:') + 1 });
  });

  it('refuses YAML syntax errors and duplicate keys with their line', () => {
    const broken = VALID.replace('name: Mini', 'name: [Mini');
    expect(issuesOf(broken)[0]!.code).toBe('yaml_syntax');
    const duplicate = VALID.replace('name: Mini', 'name: Mini\nname: Maxi');
    expect(issuesOf(duplicate)[0]).toMatchObject({ code: 'yaml_syntax', line: lineOf(duplicate, 'name: Maxi') });
  });

  it('refuses hostile and degenerate input without crashing', () => {
    const laughs = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from({ length: 9 }, (_, i) => {
        const prev = i === 0 ? 'a' : `l${i - 1}`;
        return `l${i}: &l${i} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`;
      }),
    ].join('\n');
    expect(issuesOf(laughs)[0]!.code).toBe('yaml_syntax');
    expect(issuesOf('')[0]!.code).toBe('schema');
    expect(issuesOf('- just\n- a list')[0]!.code).toBe('schema');
    expect(issuesOf('\u0000\u0001binary')[0]!.code).toMatch(/yaml_syntax|schema/);
    expect(issuesOf('x'.repeat(5 * 1024 * 1024))[0]!.code).toBe('too_large');
  });

  it('accepts a large but legitimate referential (2,000 requirements)', () => {
    const reqs = Array.from(
      { length: 2000 },
      (_, i) => `            - { id: R${i}, title: T, questions: [Q], scale: yes_no, weight: 1, wording: rempart }`,
    ).join('\n');
    const source = VALID.replace(/( {12}- id: A1\.O2\.R1[\s\S]*)$/, `${reqs}\n`);
    expect(parseReferential(source).axes[0]!.objectives[1]!.requirements).toHaveLength(2000);
  });
});
