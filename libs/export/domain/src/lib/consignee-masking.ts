import { maskIdNumber, maskName, maskPhone } from '@orderline/shared/platform-rules';

/** Masks one sensitive cell by its kind; empty cells stay empty. */
export function maskSensitive(kind: 'name' | 'phone' | 'region' | 'address' | 'idNumber', value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return value ?? null;
  switch (kind) {
    case 'name':
      return maskName(value);
    case 'phone':
      return maskPhone(value);
    case 'idNumber':
      return maskIdNumber(value);
    default:
      return '***';
  }
}
