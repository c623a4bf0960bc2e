import { ConsigneeMode, ExportType } from '@orderline/export/codes';

/**
 * The columns and rules of the export types of domain.md §5. The code lists themselves
 * (types, formats, consignee modes) are declared once in `@orderline/export/codes`.
 */
export { CONSIGNEE_MODES, DEFAULT_EXPORT_LANGUAGE, EXPORT_FORMATS, EXPORT_LANGUAGES, EXPORT_TYPES } from '@orderline/export/codes';
export type { ConsigneeMode, ExportFormat, ExportLanguage, ExportType } from '@orderline/export/codes';

/** Where a type's rows come from in the export read model. */
export type RowSource = 'ORDER_LINES' | 'ORDERS' | 'SHIPMENTS' | 'SHIPPING_ALERTS' | 'COMPENSATIONS' | 'LOC_SIGNUPS';

/** Which orders (or alerts, compensations) a type selects, on top of the caller's filters. */
export interface RowSelector {
  status?: string;
  /** An order kind as the order service names it (PRESALE, CROSS_BORDER, LOCAL_SERVICE_VOUCHER, …; SIM_CARD, TOP_UP_GIFT, CUSTOMISED). */
  kind?: string;
  /** SHIPPING_ALERTS: WARNING or TIMEOUT; COMPENSATIONS: ADVANCE, DIRECT or LATE_SHIPPING; LOC_SIGNUPS: DRIVING_SCHOOL or ACTIVITY (absent: both). */
  alertKind?: string;
  compensationKind?: string;
  signupKind?: string;
}

export type CellKind = 'text' | 'integer' | 'time';
export type SensitiveKind = 'name' | 'phone' | 'region' | 'address' | 'idNumber';

export interface ExportColumn {
  key: string;
  header: string;
  kind: CellKind;
  /** Consumer data (domain.md §6.1): masked or left out by the consignee mode. */
  sensitive?: SensitiveKind;
}

export interface ExportTypeDefinition {
  type: ExportType;
  group: 'orders' | 'warnings' | 'compensation' | 'local-services';
  title: string;
  /** domain.md §5 "[encrypted]": the file is an AES-256 zip whose password goes by SMS. */
  encrypted: boolean;
  /** domain.md §5: 31 days for order details, discounts, shipping info and unpaid; 60 for the rest. */
  maxRangeDays: 31 | 60;
  source: RowSource;
  selector: RowSelector;
  columns: readonly ExportColumn[];
  /** Filters this type accepts besides the time range. */
  filters: readonly ExportFilterName[];
}

export const EXPORT_FILTERS = ['status', 'paymentMethod', 'skuId'] as const;
export type ExportFilterName = (typeof EXPORT_FILTERS)[number];

const text = (key: string, header: string, sensitive?: ExportColumn['sensitive']): ExportColumn => ({ key, header, kind: 'text', ...(sensitive ? { sensitive } : {}) });
const integer = (key: string, header: string): ExportColumn => ({ key, header, kind: 'integer' });
const time = (key: string, header: string): ExportColumn => ({ key, header, kind: 'time' });

const CONSIGNEE: ExportColumn[] = [
  text('consigneeName', 'consignee name', 'name'),
  text('consigneePhone', 'consignee phone', 'phone'),
  text('province', 'province'),
  text('city', 'city'),
  text('county', 'county', 'region'),
  text('town', 'town', 'region'),
  text('addressDetail', 'address detail', 'address'),
];

const ORDER: ExportColumn[] = [
  text('orderId', 'order id'),
  time('placedAt', 'placed at'),
  text('status', 'status'),
  text('paymentMethod', 'payment method'),
  text('creditPlan', 'credit plan'),
  integer('goodsTotal', 'goods total (fen)'),
  integer('freight', 'freight (fen)'),
  integer('discountTotal', 'discounts (fen)'),
  integer('payable', 'payable (fen)'),
  integer('paidAmount', 'paid (fen)'),
  time('paidAt', 'paid at'),
  text('kinds', 'special kinds'),
  text('fulfilment', 'fulfilment'),
  text('buyerNote', 'buyer note'),
  text('pauseReason', 'pause reason'),
  text('cancelReason', 'cancel reason'),
  time('shippedAt', 'shipped at'),
  time('deliveredAt', 'delivered at'),
  time('completedAt', 'completed at'),
  integer('refundedAmount', 'refunded (fen)'),
];

const LINE: ExportColumn[] = [text('lineId', 'line id'), text('skuId', 'sku'), text('title', 'title'), integer('unitPrice', 'unit price (fen)'), integer('quantity', 'quantity'), integer('lineTotal', 'line total (fen)'), integer('refundedQuantity', 'refunded quantity')];

const DISCOUNTS: ExportColumn[] = [
  text('orderId', 'order id'),
  time('placedAt', 'placed at'),
  text('status', 'status'),
  text('paymentMethod', 'payment method'),
  integer('goodsTotal', 'goods total (fen)'),
  integer('freight', 'freight (fen)'),
  integer('discountTotal', 'discounts (fen)'),
  integer('payable', 'payable (fen)'),
  integer('paidAmount', 'paid (fen)'),
];

const SHIPMENT: ExportColumn[] = [
  text('orderId', 'order id'),
  time('placedAt', 'placed at'),
  text('status', 'order status'),
  text('shipmentId', 'shipment id'),
  text('carrier', 'carrier'),
  text('waybillNo', 'waybill number'),
  time('dispatchedAt', 'dispatched at'),
  time('shipmentDeliveredAt', 'delivered at'),
  text('trackingStatus', 'last tracking status'),
  time('trackingAt', 'last tracking at'),
];

const ALERT: ExportColumn[] = [text('orderId', 'order id'), time('placedAt', 'placed at'), text('status', 'order status'), time('shipBy', 'promised ship-by'), time('raisedAt', 'raised at'), text('detail', 'detail')];

const COMPENSATION: ExportColumn[] = [text('compensationId', 'compensation id'), text('orderId', 'order id'), integer('amount', 'amount (fen)'), text('reason', 'reason'), text('compensationStatus', 'status'), time('createdAt', 'created at')];

const SIGNUP: ExportColumn[] = [
  text('signupId', 'sign-up id'),
  text('signupKind', 'sign-up kind'),
  text('activityId', 'activity'),
  text('activityTitle', 'activity title'),
  text('orderId', 'order id'),
  text('signupName', 'name', 'name'),
  text('signupPhone', 'phone', 'phone'),
  text('idType', 'ID type'),
  text('idNumber', 'ID number', 'idNumber'),
  text('classDate', 'class date'),
  time('signedUpAt', 'signed up at'),
];

function signups(type: ExportType, title: string, selector: RowSelector): ExportTypeDefinition {
  return { type, group: 'local-services', title, encrypted: true, maxRangeDays: 60, source: 'LOC_SIGNUPS', selector, columns: SIGNUP, filters: [] };
}

const ORDER_FILTERS: readonly ExportFilterName[] = ['status', 'paymentMethod', 'skuId'];

function orders(type: ExportType, title: string, encrypted: boolean, maxRangeDays: 31 | 60, selector: RowSelector): ExportTypeDefinition {
  return { type, group: 'orders', title, encrypted, maxRangeDays, source: 'ORDERS', selector, columns: [...ORDER, ...CONSIGNEE], filters: ORDER_FILTERS };
}

export const EXPORT_TYPE_DEFINITIONS: Readonly<Record<ExportType, ExportTypeDefinition>> = {
  ORDER_DETAILS: { type: 'ORDER_DETAILS', group: 'orders', title: 'order details', encrypted: true, maxRangeDays: 31, source: 'ORDER_LINES', selector: {}, columns: [...ORDER, ...LINE, ...CONSIGNEE], filters: ORDER_FILTERS },
  ORDER_DISCOUNTS: { type: 'ORDER_DISCOUNTS', group: 'orders', title: 'order discounts', encrypted: false, maxRangeDays: 31, source: 'ORDERS', selector: {}, columns: DISCOUNTS, filters: ORDER_FILTERS },
  ORDER_EXPRESS: { type: 'ORDER_EXPRESS', group: 'orders', title: 'order shipping / express info', encrypted: false, maxRangeDays: 31, source: 'SHIPMENTS', selector: {}, columns: [...SHIPMENT, ...CONSIGNEE], filters: ORDER_FILTERS },
  UNPAID_ORDERS: orders('UNPAID_ORDERS', 'unpaid orders', true, 31, { status: 'UNPAID' }),
  PRESALE_ORDERS: orders('PRESALE_ORDERS', 'presale orders', true, 60, { kind: 'PRESALE' }),
  BONDED_ORDERS: orders('BONDED_ORDERS', 'bonded (cross-border) orders', true, 60, { kind: 'CROSS_BORDER' }),
  SIM_CARD_ORDERS: orders('SIM_CARD_ORDERS', 'SIM-card orders', false, 60, { kind: 'SIM_CARD' }),
  TOP_UP_GIFT_ORDERS: orders('TOP_UP_GIFT_ORDERS', 'top-up-gift orders', true, 60, { kind: 'TOP_UP_GIFT' }),
  CUSTOMISED_ORDERS: orders('CUSTOMISED_ORDERS', 'customised orders', false, 60, { kind: 'CUSTOMISED' }),
  SHIPPING_WARNINGS: { type: 'SHIPPING_WARNINGS', group: 'warnings', title: 'shipping warnings', encrypted: false, maxRangeDays: 60, source: 'SHIPPING_ALERTS', selector: { alertKind: 'WARNING' }, columns: ALERT, filters: ['status'] },
  SHIPPING_TIMEOUTS: { type: 'SHIPPING_TIMEOUTS', group: 'warnings', title: 'shipping time-outs', encrypted: false, maxRangeDays: 60, source: 'SHIPPING_ALERTS', selector: { alertKind: 'TIMEOUT' }, columns: ALERT, filters: ['status'] },
  ADVANCE_COMPENSATION: { type: 'ADVANCE_COMPENSATION', group: 'compensation', title: 'advance compensation', encrypted: false, maxRangeDays: 60, source: 'COMPENSATIONS', selector: { compensationKind: 'ADVANCE' }, columns: COMPENSATION, filters: ['status'] },
  DIRECT_COMPENSATION: { type: 'DIRECT_COMPENSATION', group: 'compensation', title: 'merchant direct compensation', encrypted: false, maxRangeDays: 60, source: 'COMPENSATIONS', selector: { compensationKind: 'DIRECT' }, columns: COMPENSATION, filters: ['status'] },
  LATE_SHIPPING_COMPENSATION: { type: 'LATE_SHIPPING_COMPENSATION', group: 'compensation', title: 'late-shipping compensation', encrypted: false, maxRangeDays: 60, source: 'COMPENSATIONS', selector: { compensationKind: 'LATE_SHIPPING' }, columns: COMPENSATION, filters: ['status'] },
  LOC_ORDERS: { ...orders('LOC_ORDERS', 'LOC orders', true, 60, { kind: 'LOCAL_SERVICE_VOUCHER' }), group: 'local-services' },
  LOC_SIGNUPS: signups('LOC_SIGNUPS', 'LOC sign-ups', {}),
  LOC_DRIVING_SCHOOL_SIGNUPS: signups('LOC_DRIVING_SCHOOL_SIGNUPS', 'LOC driving-school sign-ups', { signupKind: 'DRIVING_SCHOOL' }),
  LOC_ACTIVITY_SIGNUPS: signups('LOC_ACTIVITY_SIGNUPS', 'LOC activity sign-ups', { signupKind: 'ACTIVITY' }),
};

export function exportTypeDefinition(type: ExportType): ExportTypeDefinition {
  return EXPORT_TYPE_DEFINITIONS[type];
}

/** The columns a file has: "no consignee info" leaves the consumer's data out entirely. */
export function columnsFor(type: ExportType, mode: ConsigneeMode): ExportColumn[] {
  const columns = EXPORT_TYPE_DEFINITIONS[type].columns;
  return mode === 'NONE' ? columns.filter((column) => !column.sensitive && !['province', 'city'].includes(column.key)) : [...columns];
}
