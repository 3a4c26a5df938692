import type { AuditBundle, Finding } from '../audit.js';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
const CATEGORY_FR: Record<string, string> = {
  StaleObjects: 'Objets obsolètes',
  PrivilegedAccounts: 'Comptes privilégiés',
  Trusts: 'Approbations',
  Anomalies: 'Anomalies',
};
const LEVEL_FR: Record<number, string> = {
  1: 'critique : danger immédiat',
  2: 'lacunes graves, à corriger à court terme',
  3: 'niveau de base, non dégradé depuis l’installation',
  4: 'bon niveau',
  5: 'état de l’art',
};

function findingBlock(f: Finding): string {
  const listed = f.affected
    .slice(0, 200)
    .map((a) => `<li>${esc(a.name)}${a.detail ? ` — ${esc(a.detail)}` : ''}</li>`)
    .join('');
  const more = f.affectedCount > 200 ? `<li>… et ${f.affectedCount - 200} autres (voir le fichier JSON)</li>` : '';
  return `<section class="finding ${f.status}">
<h3>${esc(f.title)} <small>${esc(f.ruleId)}${f.anssi ? ` · ${esc(f.anssi)}` : ''} · ${f.points} pts</small></h3>
<p>${esc(f.rationale)}</p>
${f.note ? `<p class="note">${esc(f.note)}</p>` : ''}
${f.affectedCount > 0 ? `<details><summary>${f.affectedCount} objet(s) concerné(s)</summary><ul>${listed}${more}</ul></details>` : ''}
<h4>Correction</h4><pre>${esc(f.remediation)}</pre>
<p class="refs">${f.references.map((r) => `<a href="${esc(r)}">${esc(r)}</a>`).join('<br>')}</p>
</section>`;
}

/** A single self-contained French HTML file (inline CSS, no script, no external resource). */
export function renderHtmlReport(b: AuditBundle): string {
  const failed = b.findings
    .filter((f) => f.status === 'failed')
    .sort((x, y) => (x.anssiLevel ?? 9) - (y.anssiLevel ?? 9) || y.points - x.points);
  const top = failed.slice(0, 5);
  const notEvaluated = b.findings.filter((f) => f.status === 'not_evaluated');
  const accepted = b.findings.filter((f) => f.status === 'accepted');
  const cats = Object.entries(b.scores.categories)
    .map(
      ([c, v]) =>
        `<tr><td>${esc(CATEGORY_FR[c] ?? c)}</td><td class="num">${v} / 100</td><td><div class="bar"><span style="width:${v}%"></span></div></td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Audit Active Directory — ${esc(b.domain.dnsName)}</title>
<style>
body{font-family:Marianne,Arial,sans-serif;max-width:60rem;margin:2rem auto;color:#161616;line-height:1.45}
h1{font-size:1.6rem}.kpi{display:flex;gap:1rem;margin:1rem 0}.kpi div{flex:1;border:2px solid #000091;padding:1rem;text-align:center}
.kpi strong{display:block;font-size:2.4rem}.level1{color:#ce0500}.bar{background:#eee;height:.8rem;width:12rem}.bar span{display:block;height:100%;background:#ce0500}
.num{text-align:right}table{border-collapse:collapse}td{padding:.2rem .6rem}.finding{border-left:4px solid #ce0500;padding:.2rem 1rem;margin:1rem 0}
.finding.not_evaluated{border-color:#b34000}.finding.accepted{border-color:#666}.note{font-style:italic}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem}
small{color:#666;font-weight:normal}.page1{page-break-after:always}.warn{background:#fff4e5;padding:.5rem 1rem}
</style></head><body>
<div class="page1">
<h1>Audit de sécurité Active Directory — ${esc(b.domain.dnsName)}</h1>
<p>Généré le ${esc(new Date(b.generatedAt).toLocaleString('fr-FR', { timeZone: 'Europe/Paris' }))} · référentiel de règles ${esc(b.rulesetVersion)} (${esc(b.checklist)}) · ${b.counts.users} utilisateurs, ${b.counts.computers} ordinateurs, ${b.counts.groups} groupes</p>
<div class="kpi"><div><span>Niveau ANSSI atteint</span><strong class="level${b.anssiLevel}">${b.anssiLevel} / 5</strong>${esc(LEVEL_FR[b.anssiLevel] ?? '')}</div>
<div><span>Score de risque global</span><strong>${b.scores.global} / 100</strong>0 = aucun risque détecté, 100 = risque maximal</div></div>
${notEvaluated.length > 0 || b.incomplete.length > 0 ? `<p class="warn"><strong>Collecte incomplète :</strong> ${b.incomplete.map((i) => `${esc(i.phase)} (${i.dn ? `${esc(i.dn)} : ` : ''}${esc(i.reason)})`).join(' ; ')}. ${notEvaluated.length} point(s) de contrôle n’ont pas pu être évalués : le résultat n’est pas un résultat propre.</p>` : ''}
<h2>Les risques principaux</h2>
${top.length === 0 ? '<p>Aucun point de contrôle en échec.</p>' : `<ol>${top.map((f) => `<li><strong>${esc(f.title)}</strong> (${f.affectedCount} objet(s)${f.anssiLevel ? `, niveau ANSSI ${f.anssiLevel}` : ''})</li>`).join('')}</ol>`}
<h2>Scores par catégorie</h2><table>${cats}</table>
<p>${failed.length} point(s) en échec, ${accepted.length} risque(s) accepté(s), ${notEvaluated.length} non évalué(s), sur ${b.findings.length} points de contrôle.</p>
</div>
<h2>Points en échec</h2>${failed.map(findingBlock).join('\n')}
${notEvaluated.length ? `<h2>Points non évalués</h2>${notEvaluated.map(findingBlock).join('\n')}` : ''}
${accepted.length ? `<h2>Risques acceptés</h2>${accepted.map(findingBlock).join('\n')}` : ''}
</body></html>
`;
}
