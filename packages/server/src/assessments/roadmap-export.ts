import { type DirectorSummary, EFFORT_LABELS, ROADMAP_STATUS_LABELS, type Roadmap, toWinAnsi } from '@rempart/core';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';

const MARGIN = 40;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const BLUE = '#000091'; // DSFR "bleu France"

/**
 * The one-page summary for the director and the board, as PDF (A4, standard Helvetica: no font file from
 * the host). Lists are cut to what fits on one page; the full roadmap is in the XLSX/CSV exports.
 */
export function renderSummaryPdf(summary: DirectorSummary): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    info: { Title: toWinAnsi(summary.title), Subject: toWinAnsi(summary.establishment), Creator: 'Rempart' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  const text = (value: string, options: PDFKit.Mixins.TextOptions = {}) =>
    doc.text(toWinAnsi(value), { width, ...options });
  const heading = (value: string) => {
    doc.moveDown(0.6).font(BOLD).fontSize(11).fillColor(BLUE);
    text(value);
    doc.font(FONT).fontSize(9).fillColor('black');
  };

  doc.font(BOLD).fontSize(15).fillColor(BLUE);
  text(summary.title);
  doc.font(FONT).fontSize(9).fillColor('#333333');
  text(`${summary.establishment} — ${summary.referential} — ${summary.date}`);
  doc.fillColor('black');

  heading('En bref');
  for (const line of summary.headlines.slice(0, 5)) text(`•  ${line}`);

  heading('Maturité par axe');
  for (const axis of summary.axes) {
    const score = axis.scorePercent === null ? 'non applicable' : `${axis.scorePercent} %`;
    text(`${axis.title} : ${score} — objectifs atteints ${axis.objectivesReached}/${axis.objectivesApplicable}`);
  }

  if (summary.blockers.length > 0) {
    heading('Objectifs bloqués par une exigence obligatoire');
    for (const b of summary.blockers.slice(0, 6)) {
      const missing = b.missing.slice(0, 2).join(' ; ') + (b.missing.length > 2 ? ` (+${b.missing.length - 2})` : '');
      text(`•  ${b.objective} : ${missing}`);
    }
    if (summary.blockers.length > 6) text(`… et ${summary.blockers.length - 6} autre(s).`);
  }

  heading('Priorités de la feuille de route');
  if (summary.priorities.length === 0) text('Aucune mesure en attente.');
  for (const p of summary.priorities) {
    const owner = p.owner ?? 'responsable à désigner';
    const due = p.dueDate ?? 'sans échéance';
    text(`${p.rank}. [${p.priority}] ${p.title}`, { continued: false });
    doc.fillColor('#555555');
    text(`     ${owner} — échéance ${due} — ${p.costBuild} HT puis ${p.costRun} HT/an`);
    doc.fillColor('black');
  }

  heading('Budget estimé des mesures restantes');
  text(`Mise en place : ${summary.budget.build} HT ; fonctionnement : ${summary.budget.run} HT par an.`);
  text(
    summary.budget.byPriority
      .filter((p) => p.measures > 0)
      .map((p) => `${p.priority} : ${p.measures} mesure(s), ${p.build} + ${p.run}/an`)
      .join('   '),
  );

  heading('Avancement');
  text(
    `${summary.progress.done} mesure(s) terminée(s), ${summary.progress.inProgress} en cours, ${summary.progress.todo} à faire. ` +
      `Réponses « ne sait pas » : ${summary.attention.dontKnow} ; sans réponse : ${summary.attention.unanswered}.`,
  );
  doc.moveDown(0.8).fontSize(7).fillColor('#666666');
  text(
    'Coûts : ordres de grandeur indicatifs du référentiel, à ajuster localement. Synthèse produite par Rempart à partir de l’auto-évaluation.',
  );
  doc.end();
  return done;
}

/** The roadmap as an XLSX workbook: the measures, then the summary. Cells hold values, never formulas. */
export async function renderRoadmapXlsx(roadmap: Roadmap, summary: DirectorSummary): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Rempart';
  const sheet = workbook.addWorksheet('Feuille de route');
  sheet.columns = [
    { header: 'Rang', key: 'rank', width: 6 },
    { header: 'Priorité', key: 'priority', width: 9 },
    { header: 'Mesure', key: 'title', width: 60 },
    { header: 'Obligatoire', key: 'mandatory', width: 11 },
    { header: 'Objectifs concernés', key: 'objectives', width: 22 },
    { header: 'Objectifs débloqués', key: 'unblocks', width: 22 },
    { header: 'Gain de score (points)', key: 'gain', width: 12 },
    { header: 'Effort', key: 'effort', width: 9 },
    { header: 'Coût de mise en place (€ HT)', key: 'build', width: 14 },
    { header: 'Coût annuel (€ HT)', key: 'run', width: 12 },
    { header: 'Responsable', key: 'owner', width: 24 },
    { header: 'Échéance', key: 'dueDate', width: 12 },
    { header: 'Statut', key: 'status', width: 11 },
    { header: 'Pourquoi', key: 'why', width: 60 },
    { header: 'Comment', key: 'how', width: 60 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const item of roadmap.items) {
    sheet.addRow({
      rank: item.rank,
      priority: item.priority,
      title: item.title,
      mandatory: item.mandatory ? 'oui' : 'non',
      objectives: item.objectives.join(', '),
      unblocks: item.unblocks.join(', '),
      gain: Math.round(item.gain * 1000) / 10,
      effort: EFFORT_LABELS[item.effort],
      build: item.cost.build,
      run: item.cost.run,
      owner: item.owner ?? '',
      dueDate: item.dueDate ?? '',
      status: ROADMAP_STATUS_LABELS[item.status],
      why: item.why,
      how: item.how,
    });
  }
  const synthesis = workbook.addWorksheet('Synthèse');
  synthesis.columns = [{ width: 50 }, { width: 30 }];
  synthesis.addRow([summary.title]).font = { bold: true, size: 13 };
  synthesis.addRow([`${summary.establishment} — ${summary.referential} — ${summary.date}`]);
  synthesis.addRow([]);
  for (const line of summary.headlines) synthesis.addRow([line]);
  synthesis.addRow([]);
  synthesis.addRow(['Axe', 'Score (%)']).font = { bold: true };
  for (const axis of summary.axes) synthesis.addRow([axis.title, axis.scorePercent ?? 'non applicable']);
  synthesis.addRow([]);
  synthesis.addRow(['Mise en place (HT)', summary.budget.build]);
  synthesis.addRow(['Fonctionnement annuel (HT)', summary.budget.run]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
