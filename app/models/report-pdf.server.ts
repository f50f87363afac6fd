// The activity report as a PDF for board papers, built off the request path: asking for it starts a job in the
// server process that writes the file under $DATA_DIR/reports (a .part file renamed when complete), and the report
// page shows its progress and then a download link. pdfkit draws it: DejaVu Sans embedded (macrons), the charts as
// vectors, every table, and the period in the header of every page. See docs/decisions/013-standard-forms.md.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setImmediate as yieldToRequests } from 'node:timers/promises';
import PDFDocument from 'pdfkit';
import { env } from '~/utils/env.server';
import { formatDateTime } from '~/utils/time';
import { activityReport, type Period, type ReportSection } from './reports.server';

const FONT_DIR = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const FONTS = { regular: path.join(FONT_DIR, 'DejaVuSans.ttf'), bold: path.join(FONT_DIR, 'DejaVuSans-Bold.ttf') };

type PdfState =
  | { state: 'none' }
  | { state: 'preparing'; percent: number }
  | { state: 'ready'; generatedAt: number; bytes: number }
  | { state: 'failed'; error: string };

type Job = { percent: number; done: Promise<void>; error?: string };
const jobs = new Map<string, Job>();
const failures = new Map<string, string>();

function reportsDir(): string {
  return path.resolve(env().DATA_DIR, 'reports');
}

const keyOf = (p: Period) => `activity-${p.fromDate}-to-${p.toDate}`;

/** Where the finished PDF of this period is (it may not exist yet). */
export function reportPdfPath(p: Period): string {
  return path.join(reportsDir(), `${keyOf(p)}.pdf`);
}

/** The download's file name. */
export const reportPdfName = (p: Period) => `${keyOf(p)}.pdf`;

export function reportPdfState(p: Period): PdfState {
  const key = keyOf(p);
  const job = jobs.get(key);
  if (job) return { state: 'preparing', percent: job.percent };
  const failed = failures.get(key);
  if (failed) return { state: 'failed', error: failed };
  try {
    const stat = fs.statSync(reportPdfPath(p));
    return { state: 'ready', generatedAt: stat.mtimeMs, bytes: stat.size };
  } catch {
    return { state: 'none' };
  }
}

/**
 * Starts preparing the PDF of this period (again, if one exists: figures change), unless it is being prepared
 * already. Returns at once; `done` settles when the file is written (tests wait for it; the page polls the state).
 */
export function prepareReportPdf(p: Period, now = Date.now()): { done: Promise<void> } {
  const key = keyOf(p);
  const running = jobs.get(key);
  if (running) return { done: running.done };
  failures.delete(key);
  const job: Job = { percent: 0, done: Promise.resolve() };
  job.done = buildPdf(p, now, (percent) => (job.percent = percent))
    .catch((error: unknown) => {
      console.error('report pdf:', error);
      failures.set(key, error instanceof Error ? error.message : String(error));
    })
    .finally(() => jobs.delete(key));
  jobs.set(key, job);
  return { done: job.done };
}

async function buildPdf(p: Period, now: number, progress: (percent: number) => void): Promise<void> {
  await yieldToRequests(); // the request that asked has its answer first
  const report = activityReport(p, now);
  progress(10);
  fs.mkdirSync(reportsDir(), { recursive: true });
  const final = reportPdfPath(p);
  const part = `${final}.${process.pid}.part`;
  const out = fs.createWriteStream(part);
  const finished = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 72, bottom: 56, left: 56, right: 56 },
    info: { Title: `Activity report, ${report.description}`, Author: 'Micro-credentials Community of Practice' },
  });
  doc.pipe(out);
  doc.registerFont('body', FONTS.regular);
  doc.registerFont('bold', FONTS.bold);
  const header = () => {
    const { x, y } = { x: doc.x, y: doc.y };
    doc.font('body').fontSize(9).fillColor('#555555');
    doc.text(`Micro-credentials Community of Practice · Activity report · ${report.description}`, doc.page.margins.left, 32, { lineBreak: false });
    doc.fillColor('#000000');
    doc.x = x;
    doc.y = y;
  };
  doc.on('pageAdded', header);
  header();

  doc.font('bold').fontSize(20).text('Activity report');
  doc.font('body').fontSize(12).text(report.description);
  doc.fontSize(9).fillColor('#555555').text(`Prepared ${formatDateTime(report.generatedAt)} (New Zealand time)`).fillColor('#000000');
  doc.moveDown();
  drawTable(doc, { header: ['Figure', 'Value'], rows: report.headline.map((h) => [h.label, h.value]) });
  progress(20);

  for (const [i, section] of report.sections.entries()) {
    await yieldToRequests();
    drawSection(doc, section);
    progress(20 + Math.round(((i + 1) / report.sections.length) * 75));
  }
  doc.end();
  await finished;
  fs.renameSync(part, final);
  progress(100);
}

function ensureRoom(doc: PDFKit.PDFDocument, height: number) {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

function drawSection(doc: PDFKit.PDFDocument, section: ReportSection) {
  ensureRoom(doc, 120);
  doc.moveDown();
  doc.font('bold').fontSize(14).text(section.title, doc.page.margins.left);
  doc.font('body').fontSize(10).text(section.summary);
  doc.moveDown(0.5);
  drawChart(doc, section.chart);
  drawTable(doc, section.table);
}

/** A horizontal bar chart drawn with vector rectangles; its name above it. */
function drawChart(doc: PDFKit.PDFDocument, chart: ReportSection['chart']) {
  const left = doc.page.margins.left;
  const labelWidth = 150;
  const barMax = doc.page.width - doc.page.margins.left - doc.page.margins.right - labelWidth - 40;
  const rowHeight = 16;
  ensureRoom(doc, 20 + Math.max(1, chart.bars.length) * rowHeight);
  doc.font('bold').fontSize(9).text(chart.name, left);
  if (chart.bars.length === 0) {
    doc.font('body').text('Nothing in this period.');
    return;
  }
  const max = Math.max(1, ...chart.bars.map((b) => b.value));
  let y = doc.y + 4;
  for (const bar of chart.bars) {
    if (y + rowHeight > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      y = doc.y;
    }
    doc.font('body').fontSize(8).fillColor('#000000').text(bar.label, left, y + 3, { width: labelWidth - 8, lineBreak: false, ellipsis: true });
    const width = Math.max(bar.value > 0 ? 2 : 0, (bar.value / max) * barMax);
    doc.rect(left + labelWidth, y + 2, width, rowHeight - 5).fill('#2f6f73');
    doc.fillColor('#000000').text(String(bar.value), left + labelWidth + width + 4, y + 3, { lineBreak: false });
    y += rowHeight;
  }
  doc.x = left;
  doc.y = y + 6;
}

function drawTable(doc: PDFKit.PDFDocument, table: ReportSection['table']) {
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const first = Math.min(260, width * 0.5);
  const other = table.header.length > 1 ? (width - first) / (table.header.length - 1) : 0;
  const xs = table.header.map((_, i) => (i === 0 ? left : left + first + (i - 1) * other));
  const widths = table.header.map((_, i) => (i === 0 ? first : other) - 6);
  const row = (cells: (string | number)[], bold: boolean) => {
    ensureRoom(doc, 16);
    const y = doc.y;
    doc.font(bold ? 'bold' : 'body').fontSize(9);
    let height = 0;
    cells.forEach((cell, i) => {
      const text = String(cell);
      const options = { width: widths[i], align: i === 0 ? ('left' as const) : ('right' as const) };
      height = Math.max(height, doc.heightOfString(text, options));
      doc.text(text, xs[i], y, options);
    });
    doc.x = left;
    doc.y = y + height + 3;
    doc.moveTo(left, doc.y - 1).lineTo(left + width, doc.y - 1).lineWidth(0.3).strokeColor('#bbbbbb').stroke();
  };
  row(table.header, true);
  for (const r of table.rows) row(r, r[0] === 'Total');
  doc.moveDown(0.5);
}
