import { EXPORT_TYPES } from '@orderline/export/codes';
import { attachmentDisposition, columnHeaders, exportFileBaseName, hasChineseHeader } from './export-labels';
import { columnsFor } from './export-types';

describe('export file words in the merchant language', () => {
  it('gives every column of every type a Chinese header, unique within its file in both languages', () => {
    for (const type of EXPORT_TYPES) {
      const columns = columnsFor(type, 'FULL');
      for (const column of columns) expect({ type, key: column.key, chinese: hasChineseHeader(column.key) }).toEqual({ type, key: column.key, chinese: true });
      for (const language of ['zh-CN', 'en'] as const) expect(new Set(columnHeaders(columns, language)).size).toBe(columns.length);
    }
  });

  it('changes only the words: the same columns, in the same order, under either header', () => {
    const columns = columnsFor('ORDER_DETAILS', 'MASKED');
    const zh = columnHeaders(columns, 'zh-CN');
    const en = columnHeaders(columns, 'en');
    expect(zh.slice(0, 3)).toEqual(['订单号', '下单时间', '订单状态']);
    expect(en.slice(0, 3)).toEqual(['order id', 'placed at', 'status']);
    expect(zh).toHaveLength(en.length);
  });

  it('names files by type in the task language', () => {
    const id = '0b9f1f5e-7c1a-4c52-9a53-5f1f0d9d2a10';
    expect(exportFileBaseName('ORDER_DETAILS', 'zh-CN', id)).toBe('订单明细-0b9f1f5e');
    expect(exportFileBaseName('LATE_SHIPPING_COMPENSATION', 'zh-CN', id)).toBe('延迟发货赔付-0b9f1f5e');
    expect(exportFileBaseName('ORDER_DETAILS', 'en', id)).toBe('order_details-0b9f1f5e');
    for (const type of EXPORT_TYPES) expect(exportFileBaseName(type, 'zh-CN', id)).not.toMatch(/undefined/);
  });

  it('offers an ASCII file name and the UTF-8 one (RFC 5987) for the download', () => {
    expect(attachmentDisposition('订单明细-0b9f1f5e.zip', 'order_details-0b9f1f5e.zip')).toBe(
      `attachment; filename="order_details-0b9f1f5e.zip"; filename*=UTF-8''%E8%AE%A2%E5%8D%95%E6%98%8E%E7%BB%86-0b9f1f5e.zip`,
    );
    expect(attachmentDisposition('a"b.csv', 'a"b.csv')).toMatch(/^attachment; filename="a_b.csv"; filename\*=UTF-8''a%22b.csv$/);
  });
});
