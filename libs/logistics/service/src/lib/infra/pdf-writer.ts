/**
 * A small, dependency-free PDF writer for the packing slip and the electronic waybill
 * (domain.md §2.1): text lines on A4 pages, nothing else. Decision: no PDF library (the
 * project adds no npm dependencies for this); Chinese text uses the PDF standard CJK font
 * STSong-Light with the UniGB-UCS2-H encoding, which viewers supply without embedding, and
 * every string is written as UCS-2 hex, so the file is plain ASCII.
 */
export interface PdfLine {
  text: string;
  size?: number;
}

const PAGE_WIDTH = 595;
const PAGE_HEIGHT = 842;
const MARGIN = 50;

function ucs2Hex(text: string): string {
  let hex = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    // Outside the BMP (emoji…): not in the font's encoding.
    hex += (code > 0xffff ? 0x3f : code).toString(16).padStart(4, '0');
  }
  return `<${hex}>`;
}

/** Baseline-to-baseline distance in whole points (1.6 × the font size, rounded up): PDF coordinates stay integers. */
function leading(line: PdfLine): number {
  return Math.ceil(((line.size ?? 11) * 8) / 5);
}

function paginate(lines: PdfLine[]): PdfLine[][] {
  const pages: PdfLine[][] = [[]];
  let y = PAGE_HEIGHT - MARGIN;
  for (const line of lines) {
    const height = leading(line);
    if (y - height < MARGIN && pages[pages.length - 1].length > 0) {
      pages.push([]);
      y = PAGE_HEIGHT - MARGIN;
    }
    pages[pages.length - 1].push(line);
    y -= height;
  }
  return pages;
}

function contentStream(lines: PdfLine[]): string {
  let y = PAGE_HEIGHT - MARGIN;
  const parts = ['BT'];
  for (const line of lines) {
    const size = line.size ?? 11;
    y -= leading(line);
    parts.push(`/F1 ${size} Tf 1 0 0 1 ${MARGIN} ${y} Tm ${ucs2Hex(line.text)} Tj`);
  }
  parts.push('ET');
  return parts.join('\n');
}

export function writePdf(title: string, lines: PdfLine[]): Buffer {
  const pages = paginate(lines);
  const objects: string[] = [];
  const fontId = 3;
  const firstPageId = 6;
  const pageIds = pages.map((_, i) => firstPageId + i * 2);
  objects[1] = `<< /Type /Catalog /Pages 2 0 R >>`;
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = `<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>`;
  objects[4] = `<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R /DW 1000 /W [1 95 500] >>`;
  objects[5] = `<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>`;
  pages.forEach((pageLines, i) => {
    const stream = contentStream(pageLines);
    objects[pageIds[i]] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] /Resources << /Font << /F1 ${fontId} 0 R >> >> /Contents ${pageIds[i] + 1} 0 R >>`;
    objects[pageIds[i] + 1] = `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`;
  });
  const infoId = objects.length;
  objects[infoId] = `<< /Title ${ucs2Hex('\ufeff' + title).replace('<feff', '<FEFF')} /Producer (Orderline) >>`;

  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(body, 'latin1');
    body += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xrefAt = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) body += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info ${infoId} 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** The text strings of a PDF this writer made, decoded (tests read documents back with it). */
export function pdfText(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  return [...text.matchAll(/<([0-9a-f]+)> Tj/g)].map((match) => {
    const hex = match[1];
    let out = '';
    for (let i = 0; i < hex.length; i += 4) out += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
    return out;
  });
}
