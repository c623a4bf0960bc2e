import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Reads PDFs with tools we did not write (poppler's pdftotext and pdftoppm, zbar's zbarimg,
 * installed by tools/test/system-packages.mjs), so a test sees what a viewer or a scanner sees.
 */
function withFile<T>(pdf: Buffer, use: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'orderline-pdf-'));
  try {
    const file = path.join(dir, 'document.pdf');
    writeFileSync(file, pdf);
    return use(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of every page, as pdftotext extracts it (UTF-8). */
export function pdfText(pdf: Buffer): string {
  return withFile(pdf, (file) => execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }));
}

/** Page sizes in points, as pdfinfo reports them. */
export function pdfPageSizes(pdf: Buffer): string[] {
  return withFile(pdf, (file) => {
    const info = execFileSync('pdfinfo', ['-f', '1', '-l', '999', file], { encoding: 'utf8' });
    return [...info.matchAll(/^Page\s+\d+ size:\s+([\d.]+ x [\d.]+) pts/gm)].map((m) => m[1]);
  });
}

/** Fonts as pdffonts lists them: name, whether embedded, whether a subset. */
export function pdfFonts(pdf: Buffer): Array<{ name: string; embedded: boolean; subset: boolean }> {
  return withFile(pdf, (file) =>
    execFileSync('pdffonts', [file], { encoding: 'utf8' })
      .split('\n')
      .slice(2)
      .filter((line) => line.trim())
      .map((line) => {
        const columns = line.trim().split(/\s+/);
        // name … emb sub uni object-id generation
        return { name: columns[0], embedded: columns[columns.length - 5] === 'yes', subset: columns[columns.length - 4] === 'yes' };
      }),
  );
}

/** Every barcode zbarimg finds on the first page rendered at 300 dpi, as "TYPE:value". */
export function pdfBarcodes(pdf: Buffer): string[] {
  return withFile(pdf, (file, dir) => {
    execFileSync('pdftoppm', ['-r', '300', '-f', '1', '-l', '1', '-png', file, path.join(dir, 'page')]);
    const image = readdirSync(dir).find((name) => name.startsWith('page') && name.endsWith('.png'))!;
    const out = execFileSync('zbarimg', ['-q', path.join(dir, image)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n').filter(Boolean);
  });
}
