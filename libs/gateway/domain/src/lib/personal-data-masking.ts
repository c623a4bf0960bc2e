import { maskAddress, maskIdNumber, maskName, maskPhone, PostalAddress } from '@orderline/shared/platform-rules';

/**
 * Fields that hold a consumer's personal data wherever they appear in a response (domain.md
 * §6.1). The gateway masks every one of them in every answer to a merchant account, except
 * from the logged reveal — one mechanism instead of one per route, so a new route cannot
 * forget it.
 */
const NAME_FIELDS = new Set(['consigneeName', 'buyerName', 'recipientName']);
const PHONE_FIELDS = new Set(['consigneePhone', 'buyerPhone', 'recipientPhone']);
const ADDRESS_FIELDS = new Set(['consigneeAddress', 'buyerAddress', 'recipientAddress']);
/** Identity document numbers (a LOC sign-up form). */
const ID_NUMBER_FIELDS = new Set(['idNumber']);
/** Objects that are a person as a whole: their name, phone, address and ID number are masked. */
const PERSON_FIELDS = new Set(['consignee', 'buyer', 'recipient', 'signup']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function maskAddressLike(value: unknown): unknown {
  if (typeof value === 'string') return value === '' ? value : '***';
  if (!isObject(value)) return value;
  return maskAddress({ province: String(value['province'] ?? ''), city: String(value['city'] ?? ''), county: String(value['county'] ?? ''), detail: String(value['detail'] ?? ''), ...(value['town'] !== undefined ? { town: String(value['town']) } : {}) } as PostalAddress);
}

function maskPerson(value: unknown): unknown {
  if (!isObject(value)) return value;
  const masked: Record<string, unknown> = { ...value };
  if (typeof value['name'] === 'string') masked['name'] = maskName(value['name']);
  if (typeof value['phone'] === 'string') masked['phone'] = maskPhone(value['phone']);
  if (value['address'] !== undefined && value['address'] !== null) masked['address'] = maskAddressLike(value['address']);
  return maskPersonalData(masked, new Set(['name', 'phone', 'address']));
}

function maskIdNumberLike(value: unknown): unknown {
  // Masking is idempotent: a number already masked keeps its stars.
  return typeof value === 'string' && !value.includes('*') ? maskIdNumber(value) : value;
}

/**
 * A copy of `body` with every consumer name, phone and address masked; masking is idempotent,
 * so an already masked value stays as it is. `skip` keeps the given keys of the top level.
 */
export function maskPersonalData(body: unknown, skip: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(body)) return body.map((item) => maskPersonalData(item));
  if (!isObject(body)) return body;
  const masked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (skip.has(key)) masked[key] = value;
    else if (PERSON_FIELDS.has(key)) masked[key] = maskPerson(value);
    else if (NAME_FIELDS.has(key) && typeof value === 'string') masked[key] = maskName(value);
    else if (PHONE_FIELDS.has(key) && typeof value === 'string') masked[key] = maskPhone(value);
    else if (ADDRESS_FIELDS.has(key)) masked[key] = maskAddressLike(value);
    else if (ID_NUMBER_FIELDS.has(key)) masked[key] = maskIdNumberLike(value);
    else masked[key] = maskPersonalData(value);
  }
  return masked;
}
