import { barcodeRects, lineHeight, PAGE_SIZES, paginate, writePdf } from './pdf-writer';

const pages = (raw: string) => [...raw.matchAll(/\/MediaBox \[([\d. ]+)\]/g)].map((m) => m[1].split(' ').map(Number));

describe('the label and packing slip PDF writer (pdfkit)', () => {
  it('writes the waybill on a 100 × 150 mm label with an embedded subset of the CJK font', async () => {
    const pdf = await writePdf('电子面单', [{ text: '电子面单 JD_LOGISTICS', size: 16 }, { text: '收件人 王小明 13800138000' }], { page: 'LABEL_100X150', barcode: 'JDV000000000001' });
    const raw = pdf.toString('latin1');
    expect(raw.startsWith('%PDF-1.7')).toBe(true);
    expect(raw.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(pages(raw)).toEqual([[0, 0, 283, 425]]);
    // A subset (six-letter tag + name), its glyphs embedded, and a ToUnicode map so text can be searched.
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-Regular/);
    expect(raw).toContain('/FontFile2');
    expect(raw).toContain('/ToUnicode');
    expect(raw).not.toContain('STSong');
    // A subset of a 10 MB font: a few glyphs cost kilobytes.
    expect(pdf.length).toBeLessThan(60_000);
  });

  it('paginates a long packing slip on A4 pages', async () => {
    const pdf = await writePdf('装箱单', Array.from({ length: 120 }, (_, i) => ({ text: `line ${i} 商品` })));
    const sizes = pages(pdf.toString('latin1'));
    expect(sizes.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toEqual([0, 0, 595, 842]);
  });
});

describe('label layout helpers', () => {
  it('draws the barcode with a whole-point module, centred, inside its box', () => {
    const box = { x: 14, y: 40, width: 255, height: 57 };
    const bars = barcodeRects('SF1234567890123', box);
    for (const bar of bars) {
      expect([bar.x, bar.y, bar.width, bar.height].every(Number.isInteger)).toBe(true);
      expect(bar.x).toBeGreaterThanOrEqual(box.x);
      expect(bar.x + bar.width).toBeLessThanOrEqual(box.x + box.width);
    }
    const left = bars[0].x - box.x;
    const right = box.x + box.width - (bars[bars.length - 1].x + bars[bars.length - 1].width);
    expect(Math.abs(left - right)).toBeLessThanOrEqual(bars[0].width + 1);
  });

  it('shrinks the module below a point rather than overflow a narrow box', () => {
    const bars = barcodeRects('ABCDEFGHIJKLMNOPQRSTUVWXYZ-ABCDE', { x: 0, y: 0, width: 255, height: 10 });
    const last = bars[bars.length - 1];
    expect(last.x + last.width).toBeLessThanOrEqual(255);
  });

  it('paginates by measured height, never leaving a page empty', () => {
    expect(paginate([10, 10, 10, 10], (h) => h, 25, 30)).toEqual([[10, 10], [10, 10]]);
    expect(paginate([50, 10], (h) => h, 20, 30)).toEqual([[50], [10]]);
    expect(paginate([], (h: number) => h, 20, 30)).toEqual([[]]);
  });

  it('keeps line heights and page sizes in whole points', () => {
    expect([9, 10, 11, 12, 14, 16].map(lineHeight)).toEqual([13, 14, 16, 17, 20, 23]);
    for (const size of Object.values(PAGE_SIZES)) expect([size.width, size.height, size.margin].every(Number.isInteger)).toBe(true);
    // 100 × 150 mm and A4 (210 × 297 mm) within half a point.
    expect(Math.abs(PAGE_SIZES.LABEL_100X150.width - (100 * 72) / 25.4)).toBeLessThan(0.5);
    expect(Math.abs(PAGE_SIZES.LABEL_100X150.height - (150 * 72) / 25.4)).toBeLessThan(0.5);
    expect(Math.abs(PAGE_SIZES.A4.height - (297 * 72) / 25.4)).toBeLessThan(0.5);
  });
});
