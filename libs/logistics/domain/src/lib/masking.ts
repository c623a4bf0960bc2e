import { ConsigneeFacts } from './outbound';

/**
 * Masking of consumer data (domain.md §6.1) for documents logistics prints: only the
 * electronic waybill carries the real phone (§2.1); the packing slip is masked.
 */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(Math.min(chars.length - 1, 2));
}

export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

export function maskedConsignee(consignee: ConsigneeFacts): ConsigneeFacts {
  return { name: maskName(consignee.name), phone: maskPhone(consignee.phone), address: { province: consignee.address.province, city: consignee.address.city, county: '***', detail: '***' } };
}
