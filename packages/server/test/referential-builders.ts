/** Referentials built for tests, in the Rempart YAML format. */

/**
 * A referential's YAML up to its single axis `A`, with a yes/no scale `yn`; the caller appends the objectives
 * (indented 8 spaces, as items of `objectives:`).
 */
export const referentialHead = (id: string, version: number, name: string) => `format: rempart-referential/1
id: ${id}
urn: urn:rempart:referential:${id}
version: ${version}
locale: fr
name: ${name}
description: Référentiel de test
publication_date: "2026-01-01"
provenance: { publisher: Test }
changelog: [{ version: ${version}, date: "2026-01-01", changes: [Test] }]
scales:
  - { id: yn, label: Oui/non, met_from: "yes", levels: [{ id: "no", label: Non, score: 0 }, { id: "yes", label: Oui, score: 1 }] }
framework:
  axes:
    - id: A
      title: Axe
      weight: 1
      wording: rempart
      objectives:
`;

/** A referential `dash-test` whose objectives (one yes/no requirement each, threshold 1) come in the given order. */
export const dashReferential = (version: number, objectives: string[]) =>
  `${referentialHead('dash-test', version, 'Tableau de bord')}${objectives
    .map(
      (id) => `        - id: ${id}
          title: Objectif ${id} v${version}
          weight: 1
          wording: rempart
          reached: { threshold: 1 }
          requirements:
            - { id: ${id}.R, title: ${id}, questions: [Q], scale: yn, weight: 1, wording: rempart }
`,
    )
    .join('')}`;
