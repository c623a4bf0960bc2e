import PDFDocument from 'pdfkit';
import { readFileSync } from 'node:fs';
import { code128Bars } from './code128';

/**
 * The packing slip (A4) and the electronic waybill (a 100 × 150 mm label, the size thermal label
 * printers take) of domain.md §2.1, written with pdfkit (ADR 0021). Chinese text uses Noto Sans
 * SC from an npm package; pdfkit embeds only the glyphs a document uses (a font subset), so a
 * printer or a viewer without an Asian font pack renders the same page. The waybill number is
 * also a Code 128 barcode, drawn as rectangles.
 */
export interface PdfLine {
  text: string;
  size?: number;
}

export type PdfPageKind = 'A4' | 'LABEL_100X150';

/** Page sizes in PDF points, rounded to whole points (1 mm = 72 / 25.4 pt) so coordinates stay integers. */
export const PAGE_SIZES: Readonly<Record<PdfPageKind, { width: number; height: number; margin: number }>> = {
  A4: { width: 595, height: 842, margin: 50 },
  LABEL_100X150: { width: 283, height: 425, margin: 14 },
};

export interface PdfOptions {
  page?: PdfPageKind;
  /** Printed as a Code 128 barcode with its text under it, at the top of the first page. */
  barcode?: string;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Barcode height on the label: 20 mm, tall enough for a hand scanner at an angle. */
const BARCODE_HEIGHT = 57;
const BARCODE_TEXT_SIZE = 10;

/**
 * The bars of `value` centred in `box`. The module (narrowest bar) is a whole number of points
 * when at least one point fits, so every edge is an integer coordinate; a very long value gets a
 * fractional module rather than overflowing the page.
 */
export function barcodeRects(value: string, box: Rect): Rect[] {
  const { modules, bars } = code128Bars(value);
  const whole = Math.floor(box.width / modules);
  const module = whole >= 1 ? whole : box.width / modules;
  const left = box.x + (whole >= 1 ? Math.floor((box.width - modules * module) / 2) : 0);
  return bars.map(([start, width]) => ({ x: left + start * module, y: box.y, width: width * module, height: box.height }));
}

/** Baseline-to-baseline distance of one line of text, in whole points (1.4 × the font size, rounded up). */
export function lineHeight(size: number): number {
  return Math.ceil((size * 7) / 5);
}

/**
 * Splits lines into pages of `available` points: `measure` gives a line's height once wrapped to
 * the page width. A line taller than a page gets a page of its own (clipped at the bottom margin).
 */
export function paginate<T>(lines: readonly T[], measure: (line: T) => number, firstPageAvailable: number, available: number): T[][] {
  const pages: T[][] = [[]];
  let room = firstPageAvailable;
  for (const line of lines) {
    const height = measure(line);
    if (height > room && pages[pages.length - 1].length > 0) {
      pages.push([]);
      room = available;
    }
    pages[pages.length - 1].push(line);
    room -= height;
  }
  return pages;
}

let fontData: Buffer | undefined;

/** Noto Sans SC Regular (OFL), read once: the file is 10 MB, each document embeds a few kB of it. */
function cjkFont(): Buffer {
  fontData ??= readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'));
  return fontData;
}

export async function writePdf(title: string, lines: PdfLine[], options: PdfOptions = {}): Promise<Buffer> {
  const page = PAGE_SIZES[options.page ?? 'A4'];
  const doc = new PDFDocument({ size: [page.width, page.height], margin: page.margin, autoFirstPage: false, pdfVersion: '1.7', info: { Title: title, Producer: 'Orderline' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  doc.registerFont('cjk', cjkFont());
  doc.font('cjk');

  const width = page.width - 2 * page.margin;
  const bottom = page.height - page.margin;
  const barcodeBlock = options.barcode ? BARCODE_HEIGHT + lineHeight(BARCODE_TEXT_SIZE) + 6 : 0;
  const measure = (line: PdfLine) => {
    const size = line.size ?? 11;
    doc.fontSize(size);
    return Math.max(lineHeight(size), Math.ceil(doc.heightOfString(line.text, { width, lineGap: lineHeight(size) - size })));
  };
  const pages = paginate(lines, measure, bottom - page.margin - barcodeBlock, bottom - page.margin);
  pages.forEach((pageLines, index) => {
    doc.addPage({ size: [page.width, page.height], margin: page.margin });
    let y = page.margin;
    pageLines.forEach((line, i) => {
      const size = line.size ?? 11;
      doc.fontSize(size).text(line.text, page.margin, y, { width, lineGap: lineHeight(size) - size, height: bottom - y, ellipsis: true });
      y += measure(line);
      if (options.barcode && index === 0 && i === 0) y = drawBarcode(doc, options.barcode, page.margin, y, width);
    });
  });
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

/** The barcode block under the first line (the carrier's name): bars, then the number in text. */
function drawBarcode(doc: PDFKit.PDFDocument, value: string, x: number, y: number, width: number): number {
  for (const bar of barcodeRects(value, { x, y, width, height: BARCODE_HEIGHT })) doc.rect(bar.x, bar.y, bar.width, bar.height);
  doc.fill('black');
  const textY = y + BARCODE_HEIGHT + 2;
  doc.fontSize(BARCODE_TEXT_SIZE).text(value, x, textY, { width, align: 'center', lineBreak: false });
  return textY + lineHeight(BARCODE_TEXT_SIZE) + 4;
}
