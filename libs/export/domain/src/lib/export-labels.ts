import { ExportLanguage, ExportType } from '@orderline/export/codes';
import type { ExportColumn } from './export-types';

/**
 * The words of an export file in the merchant's language (issue 18): column headers and the
 * file's name. The English words are the column definitions' own (export-types.ts); the Chinese
 * ones are keyed by column key, so a column keeps one key, one English and one Chinese header
 * in every type it appears in. Values (codes, amounts in fen, times) are never translated.
 */
const HEADERS_ZH: Readonly<Record<string, string>> = {
  orderId: '订单号',
  placedAt: '下单时间',
  status: '订单状态',
  paymentMethod: '支付方式',
  creditPlan: '信用付方案',
  goodsTotal: '商品金额（分）',
  freight: '运费（分）',
  discountTotal: '优惠金额（分）',
  payable: '应付金额（分）',
  paidAmount: '实付金额（分）',
  paidAt: '支付时间',
  kinds: '特殊订单类型',
  fulfilment: '履约方式',
  buyerNote: '买家留言',
  pauseReason: '暂停原因',
  cancelReason: '取消原因',
  shippedAt: '发货时间',
  deliveredAt: '签收时间',
  completedAt: '完成时间',
  refundedAmount: '已退款金额（分）',
  lineId: '商品行号',
  skuId: '商品编码',
  title: '商品名称',
  unitPrice: '单价（分）',
  quantity: '数量',
  lineTotal: '小计（分）',
  refundedQuantity: '已退数量',
  consigneeName: '收件人姓名',
  consigneePhone: '收件人电话',
  province: '省',
  city: '市',
  county: '区县',
  town: '乡镇街道',
  addressDetail: '详细地址',
  shipmentId: '包裹号',
  carrier: '快递公司',
  waybillNo: '运单号',
  dispatchedAt: '揽收时间',
  shipmentDeliveredAt: '包裹签收时间',
  trackingStatus: '最新物流状态',
  trackingAt: '最新物流时间',
  shipBy: '承诺发货时间',
  raisedAt: '预警时间',
  detail: '说明',
  compensationId: '赔付单号',
  amount: '赔付金额（分）',
  reason: '赔付原因',
  compensationStatus: '赔付状态',
  createdAt: '创建时间',
  signupId: '报名编号',
  signupKind: '报名类型',
  activityId: '活动',
  activityTitle: '活动名称',
  signupName: '报名人姓名',
  signupPhone: '报名人电话',
  idType: '证件类型',
  idNumber: '证件号码',
  classDate: '上课/活动日期',
  signedUpAt: '报名时间',
};

/** The export center's names of the types (domain.md §5, the merchant back office's words). */
const TYPE_TITLES_ZH: Readonly<Record<ExportType, string>> = {
  ORDER_DETAILS: '订单明细',
  ORDER_DISCOUNTS: '订单优惠',
  ORDER_EXPRESS: '订单物流信息',
  UNPAID_ORDERS: '未支付订单',
  PRESALE_ORDERS: '预售订单',
  BONDED_ORDERS: '保税订单',
  SIM_CARD_ORDERS: '号卡订单',
  TOP_UP_GIFT_ORDERS: '充值赠品订单',
  CUSTOMISED_ORDERS: '定制订单',
  SHIPPING_WARNINGS: '发货预警',
  SHIPPING_TIMEOUTS: '发货超时',
  ADVANCE_COMPENSATION: '先行赔付',
  DIRECT_COMPENSATION: '商家直赔',
  LATE_SHIPPING_COMPENSATION: '延迟发货赔付',
  LOC_ORDERS: '本地生活订单',
  LOC_SIGNUPS: '本地生活报名',
  LOC_DRIVING_SCHOOL_SIGNUPS: 'Loc驾校报名信息',
  LOC_ACTIVITY_SIGNUPS: 'Loc活动报名信息',
};

/** A column's header in `language`; a column without a Chinese header is a bug the unit test names. */
export function columnHeader(column: ExportColumn, language: ExportLanguage): string {
  return language === 'en' ? column.header : (HEADERS_ZH[column.key] ?? column.header);
}

export function columnHeaders(columns: readonly ExportColumn[], language: ExportLanguage): string[] {
  return columns.map((column) => columnHeader(column, language));
}

/** Whether `key` has a Chinese header (for the test that every column has one). */
export function hasChineseHeader(key: string): boolean {
  return key in HEADERS_ZH;
}

/**
 * A file's name without extension: the type in the merchant's language and the start of the
 * task id (unique enough among one merchant's files, and short), e.g. 订单明细-0b9f1f5e.
 */
export function exportFileBaseName(type: ExportType, language: ExportLanguage, taskId: string): string {
  return `${language === 'en' ? type.toLowerCase() : TYPE_TITLES_ZH[type]}-${taskId.slice(0, 8)}`;
}

/**
 * The Content-Disposition of a download (RFC 6266): the English name as the plain `filename` for
 * clients that read only ASCII, the name in the task's language as RFC 5987 `filename*`.
 */
export function attachmentDisposition(fileName: string, asciiFileName: string): string {
  const ascii = asciiFileName.replace(/[^\w.-]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
