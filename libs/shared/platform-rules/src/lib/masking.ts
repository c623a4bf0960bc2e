/**
 * Consumer data as a merchant sees it by default (domain.md §6.1): 张** , 138****5678,
 * province and city kept, the rest masked. Revealing is a separate, logged action.
 */
export function maskName(name: string): string {
  const characters = [...name.trim()];
  if (characters.length === 0) return '';
  return characters[0] + '*'.repeat(Math.max(1, Math.min(characters.length - 1, 2)));
}

export function maskPhone(phone: string): string {
  const digits = phone.trim();
  if (digits.length >= 11) return `${digits.slice(0, digits.length - 8)}****${digits.slice(-4)}`;
  if (digits.length > 4) return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
  return '*'.repeat(digits.length);
}

/** An identity document number: the first 3 and last 4 characters kept (110***********1234). */
export function maskIdNumber(idNumber: string): string {
  const characters = [...idNumber.trim()];
  if (characters.length <= 7) return '*'.repeat(characters.length);
  return characters.slice(0, 3).join('') + '*'.repeat(characters.length - 7) + characters.slice(-4).join('');
}

export interface PostalAddress {
  province: string;
  city: string;
  county: string;
  town?: string;
  detail: string;
}

export function maskAddress(address: PostalAddress): PostalAddress {
  return { province: address.province, city: address.city, county: '***', ...(address.town !== undefined ? { town: '***' } : {}), detail: '***' };
}

export interface Consignee {
  name: string;
  phone: string;
  address: PostalAddress;
}

export function maskConsignee(consignee: Consignee): Consignee {
  return { name: maskName(consignee.name), phone: maskPhone(consignee.phone), address: maskAddress(consignee.address) };
}
