/**
 * Carriers and their waybill numbers (domain.md §2.1). The platform carrier (京东快递) makes
 * its own numbers; a third-party number is typed by the merchant and checked against the
 * carrier's format so a typo is caught at outbound rather than by a missing tracking feed.
 */
export const PLATFORM_CARRIER = 'JD_LOGISTICS';

export const SERVICE_PRODUCTS = ['STANDARD', 'EXPRESS'] as const;
export type ServiceProduct = (typeof SERVICE_PRODUCTS)[number];

/** Known formats. Decision: a carrier not listed here is accepted with the generic format. */
export const WAYBILL_FORMATS: Readonly<Record<string, { pattern: RegExp; example: string }>> = {
  JD_LOGISTICS: { pattern: /^JDV\d{12}$/, example: 'JDV000000000001' },
  SF: { pattern: /^SF\d{12,13}$/, example: 'SF1234567890123' },
  YTO: { pattern: /^YT\d{13}$/, example: 'YT1234567890123' },
  ZTO: { pattern: /^\d{12,15}$/, example: '731234567890' },
  STO: { pattern: /^\d{12,13}$/, example: '7701234567890' },
  YUNDA: { pattern: /^\d{13,15}$/, example: '4312345678901' },
  EMS: { pattern: /^(?:[A-Z]{2}\d{9}[A-Z]{2}|\d{13})$/, example: 'EA123456789CN' },
  JT: { pattern: /^JT\d{13}$/, example: 'JT1234567890123' },
};
export const GENERIC_WAYBILL_FORMAT = { pattern: /^[A-Z0-9-]{6,32}$/, example: 'ABC123456' };

export function isPlatformCarrier(carrier: string): boolean {
  return carrier === PLATFORM_CARRIER;
}

export function waybillFormatOf(carrier: string): { pattern: RegExp; example: string } {
  return WAYBILL_FORMATS[carrier] ?? GENERIC_WAYBILL_FORMAT;
}

export function waybillNoProblem(carrier: string, waybillNo: string): string | null {
  const format = waybillFormatOf(carrier);
  return format.pattern.test(waybillNo) ? null : `${waybillNo} is not a ${carrier} waybill number (expected like ${format.example})`;
}

/** The platform carrier adapter's numbering: JDV + a 12-digit sequence number. */
export function platformWaybillNo(sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence >= 1e12) throw new Error(`waybill sequence out of range: ${sequence}`);
  return `JDV${String(sequence).padStart(12, '0')}`;
}
