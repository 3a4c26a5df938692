import type { Severity } from '../model.js';
import type { ExposureBundle } from './bundle.js';

const esc = (s: string | number | undefined) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const SEVERITY_FR: Record<Severity, string> = {
  critical: 'Critique',
  high: 'Élevée',
  medium: 'Moyenne',
  low: 'Faible',
  info: 'Info',
};
const ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Self-contained French HTML report (inline CSS, no script, no external resource). */
export function exposureHtml(bundle: ExposureBundle): string {
  const findings = [...bundle.findings].sort(
    (a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity) || b.points - a.points,
  );
  const hosts = Object.entries(bundle.score.perHost).sort((a, b) => b[1] - a[1]);
  const rows = findings
    .map(
      (f) =>
        `<tr class="${f.severity}"><td>${esc(SEVERITY_FR[f.severity])}</td><td>${esc(f.points)}</td><td>${esc(f.host)}${f.port ? `:${esc(f.port)}` : ''}</td><td><strong>${esc(f.title)}</strong><br><small>${esc(f.ruleId)} — ${esc(f.evidence)}</small></td><td>${esc(f.remediation)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Audit d'exposition internet — ${esc(bundle.scope.establishment ?? '')}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#161616}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.4rem;vertical-align:top;text-align:left}
tr.critical td:first-child{background:#ce0500;color:#fff}tr.high td:first-child{background:#ff9940}tr.medium td:first-child{background:#fcc63a}.verdict{padding:1rem;font-weight:bold}.ok{background:#b8fec9}.ko{background:#ffe9e9}</style></head>
<body><h1>Audit d'exposition sur internet</h1>
<p>${esc(bundle.scope.establishment ?? 'Établissement')}${bundle.scope.finess ? ` (FINESS ${esc(bundle.scope.finess)})` : ''} — audit du ${esc(bundle.scannedAt.slice(0, 10))}, règles ${esc(bundle.rulesVersion)}${bundle.kev ? `, catalogue KEV ${esc(bundle.kev.catalogVersion)} du ${esc(bundle.kev.dateReleased.slice(0, 10))}` : ''}.</p>
<p>Périmètre déclaré : ${esc(bundle.scope.ranges.join(', ') || 'aucune plage')} ; domaines : ${esc(bundle.scope.domains.join(', ') || 'aucun')}. Sources : ${esc(bundle.sources.join(', '))}.</p>
<p class="verdict ${bundle.score.minimumLevel ? 'ok' : 'ko'}">${bundle.score.minimumLevel ? 'Niveau minimum atteint : aucun constat critique (CaRE D1).' : 'Niveau minimum non atteint : au moins un constat critique (CaRE D1).'}</p>
<h2>Score : ${esc(bundle.score.total)} points</h2>
<p>Le score est la somme des points de chaque constat ; plus il est bas, mieux c'est.</p>
<table><thead><tr><th>Hôte</th><th>Points</th></tr></thead><tbody>${hosts.map(([h, p]) => `<tr><td>${esc(h)}</td><td>${esc(p)}</td></tr>`).join('')}</tbody></table>
<h2>Constats (${findings.length})</h2>
<table><thead><tr><th>Gravité</th><th>Points</th><th>Hôte</th><th>Constat</th><th>Remédiation</th></tr></thead><tbody>
${rows || '<tr><td colspan="5">Aucun constat.</td></tr>'}
</tbody></table></body></html>
`;
}
