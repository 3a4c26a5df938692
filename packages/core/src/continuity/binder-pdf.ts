import PDFDocument from 'pdfkit';
import type { BinderBlock, CrisisBinder } from './crisis-binder.js';

/**
 * Renders a crisis binder to PDF with pdfkit's built-in Helvetica (no font file from the host). The standard
 * fonts use WinAnsi encoding, which covers French (é, è, à, ç, œ, «, », ’, —, €); characters outside it are
 * replaced by a close ASCII form so nothing prints as garbage.
 */

const WINANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const REPLACEMENTS: Record<string, string> = {
  '→': '->',
  '←': '<-',
  '⇒': '=>',
  '≥': '>=',
  '≤': '<=',
  '≠': '!=',
  '×': 'x',
  '\u202f': ' ',
  '\u2009': ' ',
  '\u2011': '-',
  '\u2010': '-',
  '\u2212': '-',
  '\u2026': '…',
};

/** Maps text to what the standard fonts can print. */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\n' || ch === '\t') out += ch;
    else if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WINANSI_EXTRA.has(ch)) out += ch;
    else if (REPLACEMENTS[ch] !== undefined) out += REPLACEMENTS[ch];
    else if (code < 0x20) out += ' ';
    else {
      // Drop accents the encoding lacks (ő → o), otherwise a question mark.
      const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      out += base.length === 1 && base.charCodeAt(0) < 0x7f ? base : '?';
    }
  }
  return out;
}

const MARGIN = 50;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';

/** Renders the binder; resolves to the PDF bytes. */
export function renderCrisisBinderPdf(binder: CrisisBinder): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    info: { Title: toWinAnsi(binder.title), Subject: toWinAnsi(binder.subtitle), Creator: 'Rempart' },
    bufferPages: true,
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN;
  const ensure = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };

  doc.font(BOLD).fontSize(22).text(toWinAnsi(binder.title), { width });
  doc.moveDown(0.3);
  doc.font(FONT).fontSize(13).text(toWinAnsi(binder.subtitle), { width });
  doc.moveDown(0.3);
  doc.fontSize(9).fillColor('#444444').text(toWinAnsi(binder.generatedAt), { width }).fillColor('black');
  doc.moveDown(1);
  doc.font(BOLD).fontSize(12).text('Sommaire', { width });
  doc.font(FONT).fontSize(10);
  binder.sections.forEach((s, i) => {
    doc.text(toWinAnsi(`${i + 1}. ${s.title}`), { width });
  });

  binder.sections.forEach((section, i) => {
    doc.addPage();
    doc
      .font(BOLD)
      .fontSize(16)
      .text(toWinAnsi(`${i + 1}. ${section.title}`), { width });
    doc.moveDown(0.5);
    for (const block of section.blocks) renderBlock(doc, block, width, ensure);
  });

  // Page numbers, written once every page exists.
  const range = doc.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    const y = doc.page.height - MARGIN + 15;
    // Writing inside the bottom margin must not trigger a new page.
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font(FONT)
      .fontSize(8)
      .fillColor('#666666')
      .text(toWinAnsi(`${binder.title} — page ${p + 1} / ${range.count}`), MARGIN, y, { width, align: 'center' })
      .fillColor('black');
    doc.page.margins.bottom = saved;
  }
  doc.end();
  return done;
}

function renderBlock(doc: PDFKit.PDFDocument, block: BinderBlock, width: number, ensure: (h: number) => void) {
  doc.x = MARGIN;
  switch (block.type) {
    case 'heading': {
      ensure(40);
      doc.moveDown(0.4);
      doc.font(BOLD).fontSize(12).text(toWinAnsi(block.text), { width });
      doc.moveDown(0.2);
      return;
    }
    case 'paragraph': {
      doc.font(FONT).fontSize(10);
      const text = toWinAnsi(block.text);
      ensure(Math.min(doc.heightOfString(text, { width }), 60));
      doc.text(text, { width });
      doc.moveDown(0.4);
      return;
    }
    case 'list': {
      doc.font(FONT).fontSize(10);
      block.items.forEach((item, i) => {
        const label = block.ordered ? `${i + 1}.` : '•';
        const text = toWinAnsi(item);
        ensure(Math.min(doc.heightOfString(text, { width: width - 20 }), 40));
        const y = doc.y;
        doc.text(label, MARGIN, y, { width: 18 });
        doc.text(text, MARGIN + 20, y, { width: width - 20 });
        doc.x = MARGIN;
        doc.moveDown(0.15);
      });
      doc.moveDown(0.3);
      return;
    }
    case 'table': {
      renderTable(doc, block.columns, block.rows, width, ensure);
      doc.moveDown(0.5);
      return;
    }
  }
}

function renderTable(
  doc: PDFKit.PDFDocument,
  columns: string[],
  rows: string[][],
  width: number,
  ensure: (h: number) => void,
) {
  const padding = 3;
  // A cell never spans more than a page: long texts belong in paragraphs.
  const clip = (c: string) => (c.length > 600 ? `${c.slice(0, 599)}…` : c);
  columns = columns.map(clip);
  rows = rows.map((r) => r.map(clip));
  doc.fontSize(8.5);
  // Column widths follow the longest content, within bounds, then scale to the page width.
  const wanted = columns.map((c, i) => {
    doc.font(BOLD);
    let w = doc.widthOfString(toWinAnsi(c));
    doc.font(FONT);
    for (const r of rows) w = Math.max(w, Math.min(doc.widthOfString(toWinAnsi(r[i] ?? '')), 220));
    return Math.max(w + 2 * padding, 30);
  });
  const total = wanted.reduce((a, b) => a + b, 0);
  const widths = wanted.map((w) => (w * width) / total);
  const rowHeight = (cells: string[], font: string) => {
    doc.font(font);
    return Math.max(
      ...cells.map((c, i) => doc.heightOfString(toWinAnsi(c), { width: widths[i]! - 2 * padding })),
      doc.currentLineHeight(),
    );
  };
  const drawRow = (cells: string[], font: string, fill?: string) => {
    const h = rowHeight(cells, font) + 2 * padding;
    ensure(h);
    const y = doc.y;
    let x = MARGIN;
    if (fill) doc.rect(MARGIN, y, width, h).fill(fill).fillColor('black');
    doc.font(font);
    cells.forEach((c, i) => {
      doc.text(toWinAnsi(c), x + padding, y + padding, { width: widths[i]! - 2 * padding });
      x += widths[i]!;
    });
    doc
      .moveTo(MARGIN, y + h)
      .lineTo(MARGIN + width, y + h)
      .lineWidth(0.5)
      .strokeColor('#999999')
      .stroke();
    doc.x = MARGIN;
    doc.y = y + h;
  };
  drawRow(columns, BOLD, '#e8e8ee');
  for (const row of rows) drawRow(row, FONT);
}
