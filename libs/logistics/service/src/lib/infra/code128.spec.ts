import { code128Bars, code128Check, code128Values, QUIET_ZONE_MODULES, symbolWidths } from './code128';

const sum = (widths: string) => [...widths].reduce((total, w) => total + Number(w), 0);

describe('Code 128 encoder', () => {
  it('has a symbol table a scanner can tell apart: 11 modules each, even bar widths, no two alike', () => {
    const all = Array.from({ length: 106 }, (_, value) => symbolWidths(value));
    for (const widths of all) {
      expect(sum(widths)).toBe(11);
      // The standard's parity: the three bars of every symbol add up to an even number of modules.
      expect((Number(widths[0]) + Number(widths[2]) + Number(widths[4])) % 2).toBe(0);
    }
    expect(new Set(all).size).toBe(106);
    expect(symbolWidths(104)).toBe('211214');
    expect(symbolWidths(105)).toBe('211232');
    expect(() => symbolWidths(106)).toThrow();
  });

  it('encodes text in code set B with the weighted modulo-103 check', () => {
    // P J J 1 2 3 C: 104 + 48·1 + 42·2 + 42·3 + 17·4 + 18·5 + 19·6 + 35·7 = 879 ≡ 55 (mod 103)
    expect(code128Values('PJJ123C')).toEqual([104, 48, 42, 42, 17, 18, 19, 35, 55]);
    expect(code128Check([104, 48, 42, 42, 17, 18, 19, 35])).toBe(55);
  });

  it('packs digit runs into code set C: the platform and SF waybill formats', () => {
    expect(code128Values('1234')).toEqual([105, 12, 34, 82]);
    // JDV + 12 digits: B for the letters, then C (99) for six pairs.
    expect(code128Values('JDV000000000001')).toEqual([104, 42, 36, 54, 99, 0, 0, 0, 0, 0, 1, 65]);
    // SF + 13 digits: the odd digit stays in B so the rest pair up.
    const sf = code128Values('SF1234567890123');
    expect(sf.slice(0, -1)).toEqual([104, 51, 38, 17, 99, 23, 45, 67, 89, 1, 23]);
    expect(sf[sf.length - 1]).toBe(code128Check(sf.slice(0, -1)));
    // An odd all-digit value: pairs in C, the last digit back in B (100).
    expect(code128Values('12345').slice(0, -1)).toEqual([105, 12, 34, 100, 21]);
    // Short digit runs inside text stay in B: switching would cost more than it saves.
    expect(code128Values('AB12C').slice(0, -1)).toEqual([104, 33, 34, 17, 18, 35]);
  });

  it('refuses what sets B and C cannot carry', () => {
    expect(() => code128Values('')).toThrow();
    expect(() => code128Values('王小明')).toThrow(/cannot encode/);
    expect(() => code128Values('A\nB')).toThrow(/cannot encode/);
  });

  it('lays out bars between two quiet zones, ending with the 13-module stop', () => {
    const { modules, bars } = code128Bars('1234');
    // start, two pairs, check: four symbols of 11 modules, the stop of 13.
    expect(modules).toBe(2 * QUIET_ZONE_MODULES + 4 * 11 + 13);
    expect(bars[0][0]).toBe(QUIET_ZONE_MODULES);
    const last = bars[bars.length - 1];
    expect(last[0] + last[1]).toBe(modules - QUIET_ZONE_MODULES);
    // Start C (211232) begins with a two-module bar, a space, then a one-module bar.
    expect(bars.slice(0, 2)).toEqual([[10, 2], [13, 1]]);
  });
});
