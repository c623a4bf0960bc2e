import { Address, Consignee } from './order-attributes';

/**
 * When two consignees are "the same" (domain.md §1.9 merged shipments, §1.6 which address
 * levels a change touches). Decision, since the spec only says "same":
 * - text (name, every address level, detail): Unicode NFKC (full-width digits and letters
 *   become ASCII), every whitespace character removed (incl. the ideographic space U+3000),
 *   Latin letters lower-cased. "北京市 朝阳区" equals "北京市朝阳区"; "１２号" equals "12号".
 *   Nothing else is folded: "朝阳区" and "朝阳" stay different, as a courier would treat them.
 * - phone: NFKC, digits only, and a leading "86" country code dropped from a 13-digit
 *   number, so "+86 138-0013-8000" equals "13800138000".
 * - a missing town equals an empty one.
 */
export function normaliseText(value: string): string {
  return value.normalize('NFKC').replace(/\s+/gu, '').toLowerCase();
}

export function normalisePhone(value: string): string {
  const digits = value.normalize('NFKC').replace(/\D/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
}

export interface NormalisedAddress {
  province: string;
  city: string;
  county: string;
  town: string;
  detail: string;
}

export function normaliseAddress(address: Address): NormalisedAddress {
  return {
    province: normaliseText(address.province),
    city: normaliseText(address.city),
    county: normaliseText(address.county),
    town: normaliseText(address.town ?? ''),
    detail: normaliseText(address.detail),
  };
}

export function sameAddress(a: Address, b: Address): boolean {
  return consigneeAddressKey(a) === consigneeAddressKey(b);
}

function consigneeAddressKey(address: Address): string {
  const n = normaliseAddress(address);
  return JSON.stringify([n.province, n.city, n.county, n.town, n.detail]);
}

/** A key equal for exactly the consignees `sameConsignee` treats as equal. */
export function consigneeKey(consignee: Consignee): string {
  return JSON.stringify([normaliseText(consignee.name), normalisePhone(consignee.phone), consigneeAddressKey(consignee.address)]);
}

export function sameConsignee(a: Consignee, b: Consignee): boolean {
  return consigneeKey(a) === consigneeKey(b);
}
