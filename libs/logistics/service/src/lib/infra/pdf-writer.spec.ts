import { pdfText, writePdf } from './pdf-writer';

describe('the built-in PDF writer', () => {
  it('writes a well-formed, ASCII-only PDF whose text reads back', () => {
    const pdf = writePdf('Waybill', [{ text: '收件人 王小明 13800138000', size: 14 }, { text: 'SF1234567890123' }]);
    const raw = pdf.toString('latin1');
    expect(raw.startsWith('%PDF-1.4\n')).toBe(true);
    expect(raw.trimEnd().endsWith('%%EOF')).toBe(true);
    expect([...pdf].every((byte) => byte < 0x80)).toBe(true);
    expect(pdfText(pdf)).toEqual(['收件人 王小明 13800138000', 'SF1234567890123']);
  });

  it('points the cross-reference table at every object', () => {
    const pdf = writePdf('Slip', Array.from({ length: 120 }, (_, i) => ({ text: `line ${i}` })));
    const raw = pdf.toString('latin1');
    const xrefAt = Number(/startxref\n(\d+)/.exec(raw)![1]);
    expect(raw.slice(xrefAt, xrefAt + 4)).toBe('xref');
    const offsets = [...raw.slice(xrefAt).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((offset, index) => expect(raw.slice(offset).startsWith(`${index + 1} 0 obj`)).toBe(true));
    // 120 lines do not fit one A4 page.
    expect(Number(/\/Count (\d+)/.exec(raw)![1])).toBeGreaterThan(1);
  });
});
