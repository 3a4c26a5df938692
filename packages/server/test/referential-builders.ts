/** Referentials built for tests, in the Rempart YAML format. */

/** A referential `dash-test` whose objectives (one yes/no requirement each, threshold 1) come in the given order. */
export const dashReferential = (version: number, objectives: string[]) => `format: rempart-referential/1
id: dash-test
urn: urn:rempart:referential:dash-test
version: ${version}
locale: fr
name: Tableau de bord
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
${objectives
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
