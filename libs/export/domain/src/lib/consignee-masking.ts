/**
 * Consumer data in exports (domain.md §5, §6.1): 张** , 138****5678, province and city kept,
 * the rest masked. The same shapes as the gateway's masking, kept here so the export
 * service does not depend on the gateway.
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

/** Masks one sensitive cell by its kind; empty cells stay empty. */
export function maskSensitive(kind: 'name' | 'phone' | 'region' | 'address', value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return value ?? null;
  switch (kind) {
    case 'name':
      return maskName(value);
    case 'phone':
      return maskPhone(value);
    default:
      return '***';
  }
}
