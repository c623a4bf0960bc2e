import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { MAX_FEN } from '@orderline/shared/money';

/**
 * Property decorators of the response classes (the views the services return and the OpenAPI
 * document describes, docs/api.md): one place says what an id, a timestamp, an amount of
 * money or a code list looks like on the wire, so every view says it the same way.
 */
export interface ViewPropertyOptions {
  /** The value may be null (the property is still always present). */
  nullable?: boolean;
  /** The property may be absent. */
  optional?: boolean;
  description?: string;
  example?: unknown;
}

function view(schema: ApiPropertyOptions, options: ViewPropertyOptions = {}): PropertyDecorator {
  const { optional, ...rest } = options;
  return ApiProperty({ ...schema, ...rest, required: !optional } as ApiPropertyOptions);
}

/** A UUID (`format: uuid`). */
export const ApiUuid = (options?: ViewPropertyOptions) => view({ type: 'string', format: 'uuid' }, options);

/** An instant, ISO-8601 UTC (`format: date-time`). */
export const ApiTimestamp = (options?: ViewPropertyOptions) => view({ type: 'string', format: 'date-time' }, options);

/** A calendar day, `YYYY-MM-DD` (`format: date`). */
export const ApiDate = (options?: ViewPropertyOptions) => view({ type: 'string', format: 'date' }, options);

/** An amount of money: integer fen within ±MAX_FEN (libs/shared/money). */
export const ApiFen = (options?: ViewPropertyOptions & { signed?: boolean }) => {
  const { signed, ...rest } = options ?? {};
  return view({ type: 'integer', minimum: signed ? -MAX_FEN : 0, maximum: MAX_FEN, description: rest.description ?? 'fen' }, rest);
};

/** A count or other whole number (`type: integer`), optionally bounded. */
export const ApiInteger = (options?: ViewPropertyOptions & { minimum?: number; maximum?: number }) => {
  const { minimum, maximum, ...rest } = options ?? {};
  return view({ type: 'integer', ...(minimum !== undefined ? { minimum } : {}), ...(maximum !== undefined ? { maximum } : {}) }, rest);
};

/** One value of a code list; `codes` is the const array the code itself checks against. */
export const ApiCode = (codes: readonly (string | number)[], options?: ViewPropertyOptions) =>
  view({ type: typeof codes[0] === 'number' ? 'integer' : 'string', enum: [...codes] }, options);

/** Values of a code list. */
export const ApiCodes = (codes: readonly (string | number)[], options?: ViewPropertyOptions) =>
  view({ type: 'array', items: { type: typeof codes[0] === 'number' ? 'integer' : 'string', enum: [...codes] } }, options);

export const ApiText = (options?: ViewPropertyOptions & { pattern?: RegExp; maxLength?: number }) => {
  const { pattern, maxLength, ...rest } = options ?? {};
  return view({ type: 'string', ...(pattern ? { pattern: pattern.source } : {}), ...(maxLength !== undefined ? { maxLength } : {}) }, rest);
};

export const ApiTexts = (options?: ViewPropertyOptions & { format?: string }) => {
  const { format, ...rest } = options ?? {};
  return view({ type: 'array', items: { type: 'string', ...(format ? { format } : {}) } }, rest);
};

export const ApiFlag = (options?: ViewPropertyOptions) => view({ type: 'boolean' }, options);

/** A nested view (`[Type]` for an array of them). */
export const ApiView = (type: Function | [Function], options?: ViewPropertyOptions) =>
  Array.isArray(type) ? view({ type: type[0] as never, isArray: true }, options) : view({ type: type as never }, options);

/** A free-form object (its keys are data, e.g. SKU attributes). */
export const ApiMap = (values: 'string' | 'integer' | 'boolean' | 'any', options?: ViewPropertyOptions) =>
  view({ type: 'object', additionalProperties: values === 'any' ? true : { type: values } }, options);

/** An array of free-form objects (JSON kept as the event carried it). */
export const ApiObjects = (options?: ViewPropertyOptions) => view({ type: 'array', items: { type: 'object', additionalProperties: true } }, options);

/** A phone number as requests carry it (consignee, account): the validators and the schemas use this one pattern. */
export const PHONE_PATTERN = /^\+?\d{6,20}$/;

/**
 * `true` when two code lists hold the same values. A contract lists a domain's codes as an
 * array for the schemas (contracts may not import domains); a service file typed with this
 * stops compiling when the array and the domain's union drift apart.
 */
export type SameCodes<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
