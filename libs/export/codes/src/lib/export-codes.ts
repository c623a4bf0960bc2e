/**
 * The export center's code lists, declared once: the request contract validates against them
 * and the domain keys its rules by them (a contract lib may not import the domain lib, nor the
 * other way round, so both import this small util lib). Codes follow architecture.md.
 */

/** The export types of domain.md §5. */
export const EXPORT_TYPES = [
  'ORDER_DETAILS',
  'ORDER_DISCOUNTS',
  'ORDER_EXPRESS',
  'UNPAID_ORDERS',
  'PRESALE_ORDERS',
  'BONDED_ORDERS',
  'SIM_CARD_ORDERS',
  'TOP_UP_GIFT_ORDERS',
  'CUSTOMISED_ORDERS',
  'SHIPPING_WARNINGS',
  'SHIPPING_TIMEOUTS',
  'ADVANCE_COMPENSATION',
  'DIRECT_COMPENSATION',
  'LATE_SHIPPING_COMPENSATION',
  'LOC_ORDERS',
  'LOC_SIGNUPS',
  // The seeds' two sign-up exports (loc驾校报名信息, loc活动报名信息); LOC_SIGNUPS lists both kinds.
  'LOC_DRIVING_SCHOOL_SIGNUPS',
  'LOC_ACTIVITY_SIGNUPS',
] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

export const EXPORT_FORMATS = ['CSV', 'XLSX'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** domain.md §5: "no consignee info", "masked", "full" (full needs the sensitive-export permission). */
export const CONSIGNEE_MODES = ['NONE', 'MASKED', 'FULL'] as const;
export type ConsigneeMode = (typeof CONSIGNEE_MODES)[number];

/** The states of an export task (its process: libs/export/domain export-task-process.ts). */
export const EXPORT_TASK_STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED'] as const;
export type ExportTaskStatus = (typeof EXPORT_TASK_STATUSES)[number];

/**
 * The language of a file's column headers and name (issue 18): Chinese, the merchants' own, by
 * default; English on request. Only the words change: codes and values stay as they are.
 */
export const EXPORT_LANGUAGES = ['zh-CN', 'en'] as const;
export type ExportLanguage = (typeof EXPORT_LANGUAGES)[number];
export const DEFAULT_EXPORT_LANGUAGE: ExportLanguage = 'zh-CN';
