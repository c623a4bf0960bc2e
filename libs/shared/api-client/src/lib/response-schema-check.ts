import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Middleware } from 'openapi-fetch';

interface MediaTypeObject {
  schema?: unknown;
}
interface ResponseObject {
  content?: Record<string, MediaTypeObject>;
}
interface OperationObject {
  operationId?: string;
  responses?: Record<string, ResponseObject>;
}

/** The parts of an OpenAPI 3.0 / 3.1 document the check reads. */
export interface OpenApiDocument {
  openapi: string;
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, OperationObject | unknown>>;
  components?: { schemas?: Record<string, unknown> };
}

/** What was answered that the document does not allow. */
export interface ResponseSchemaMismatch {
  /** `operationId` of the matched operation, or `METHOD path` when none matched. */
  operation: string;
  method: string;
  /** The templated path of the operation, or the concrete one when none matched. */
  path: string;
  status: number;
  contentType: string | null;
  /** JSON pointer into the body ('' for the whole body or for a problem outside it). */
  pointer: string;
  problem: string;
  value?: unknown;
}

export function describeMismatch(mismatch: ResponseSchemaMismatch): string {
  const where = mismatch.pointer === '' ? 'body' : `body${mismatch.pointer}`;
  const value = mismatch.value === undefined ? '' : `; value: ${truncate(JSON.stringify(mismatch.value))}`;
  return `${mismatch.operation} (${mismatch.method} ${mismatch.path} → ${mismatch.status} ${mismatch.contentType ?? 'no content type'}): ${where} ${mismatch.problem}${value}`;
}

const truncate = (text: string | undefined, max = 300) => (text === undefined ? 'undefined' : text.length > max ? `${text.slice(0, max)}…` : text);

const DOCUMENT_ID = 'orderline-openapi.json';
const isJson = (mediaType: string) => mediaType === 'application/json' || mediaType.endsWith('+json');

interface PathTemplate {
  path: string;
  pattern: RegExp;
  literalSegments: number;
}

/**
 * Checks answers of the gateway against the response schemas of an OpenAPI document: the
 * concrete path is matched to its templated one, the status to its response (or `4XX`,
 * `default`), the content type to a declared one; JSON bodies are validated with ajv (formats
 * included), other bodies only by content type. A JSON body with no declared schema is a mismatch.
 */
export class ResponseSchemaCheck {
  private readonly ajv: Ajv;
  private readonly templates: PathTemplate[];
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly basePaths: string[];

  constructor(private readonly document: OpenApiDocument) {
    const options = { strict: false, allErrors: true, validateFormats: true };
    this.ajv = document.openapi.startsWith('3.1') ? new Ajv2020(options) : new Ajv(options);
    addFormats(this.ajv);
    // The whole document is one schema, so `#/components/schemas/...` references resolve inside it.
    this.ajv.addSchema({ ...document, $id: DOCUMENT_ID }, undefined, undefined, false);
    this.templates = Object.keys(document.paths)
      .map((path) => ({
        path,
        pattern: new RegExp(`^${path.split('/').map((segment) => (/^\{[^}]+\}$/.test(segment) ? '[^/]+' : escapeRegExp(segment))).join('/')}$`),
        literalSegments: path.split('/').filter((segment) => !segment.startsWith('{')).length,
      }))
      // A literal segment wins over a parameter: /after-sales/refundable before /after-sales/{id}.
      .sort((a, b) => b.literalSegments - a.literalSegments);
    this.basePaths = ['', ...(document.servers ?? []).map((server) => new URL(server.url, 'http://server').pathname.replace(/\/+$/, '')).filter(Boolean)];
  }

  check(method: string, pathname: string, status: number, contentType: string | null, bodyText: string): ResponseSchemaMismatch[] {
    const verb = method.toLowerCase();
    const mediaType = contentType?.split(';')[0].trim().toLowerCase() ?? null;
    const matched = this.operationOf(verb, pathname);
    const base = { method: method.toUpperCase(), status, contentType: mediaType };
    if (!matched) {
      // No operation (an unknown path or method): the gateway still answers a problem.
      if (status >= 400 && mediaType === 'application/problem+json' && this.document.components?.schemas?.['Problem']) {
        return this.validate({ ...base, operation: `${base.method} ${pathname}`, path: pathname }, '#/components/schemas/Problem', bodyText);
      }
      return [{ ...base, operation: `${base.method} ${pathname}`, path: pathname, pointer: '', problem: 'answers an operation the document does not declare' }];
    }
    const { path, operation } = matched;
    const at = { ...base, operation: operation.operationId ?? `${base.method} ${path}`, path };
    const responses = operation.responses ?? {};
    const statusKey = [String(status), `${String(status)[0]}XX`, 'default'].find((key) => key in responses);
    if (!statusKey) return [{ ...at, pointer: '', problem: `has status ${status}, which the operation does not declare (declared: ${Object.keys(responses).join(', ')})` }];
    const content = responses[statusKey].content ?? {};
    if (Object.keys(content).length === 0) {
      return bodyText === '' ? [] : [{ ...at, pointer: '', problem: `has content (${mediaType}) where the ${statusKey} response declares none`, value: bodyText }];
    }
    const declared = Object.keys(content).find((key) => key.toLowerCase() === mediaType) ?? Object.keys(content).find((key) => mediaTypeMatches(key, mediaType));
    if (!declared) return [{ ...at, pointer: '', problem: `has content type ${mediaType}, not one of ${Object.keys(content).join(', ')}` }];
    if (!mediaType || !isJson(mediaType)) return [];
    if (content[declared].schema === undefined) return [{ ...at, pointer: '', problem: `is JSON but the ${statusKey} ${declared} response declares no schema` }];
    return this.validate(at, `#/paths/${escapePointer(path)}/${verb}/responses/${escapePointer(statusKey)}/content/${escapePointer(declared)}/schema`, bodyText);
  }

  /** Compiles the schema of every response of the document (a schema ajv refuses fails here); answers how many. */
  compileAll(): number {
    let compiled = 0;
    for (const [path, pathItem] of Object.entries(this.document.paths)) {
      for (const [verb, operation] of Object.entries(pathItem)) {
        for (const [status, response] of Object.entries((operation as OperationObject)?.responses ?? {})) {
          for (const [mediaType, media] of Object.entries(response.content ?? {})) {
            if (media.schema === undefined) continue;
            this.validatorOf(`#/paths/${escapePointer(path)}/${verb}/responses/${escapePointer(status)}/content/${escapePointer(mediaType)}/schema`);
            compiled += 1;
          }
        }
      }
    }
    return compiled;
  }

  private validatorOf(pointer: string): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
      this.validators.set(pointer, validate);
    }
    return validate;
  }

  private operationOf(verb: string, pathname: string): { path: string; operation: OperationObject } | undefined {
    for (const base of this.basePaths) {
      if (base && !pathname.startsWith(base + '/')) continue;
      const relative = pathname.slice(base.length);
      for (const template of this.templates) {
        const operation = this.document.paths[template.path][verb] as OperationObject | undefined;
        if (operation && template.pattern.test(relative)) return { path: template.path, operation };
      }
    }
    return undefined;
  }

  private validate(at: Omit<ResponseSchemaMismatch, 'pointer' | 'problem' | 'value'>, pointer: string, bodyText: string): ResponseSchemaMismatch[] {
    let body: unknown;
    try {
      body = bodyText === '' ? undefined : JSON.parse(bodyText);
    } catch {
      return [{ ...at, pointer: '', problem: 'is not valid JSON', value: bodyText }];
    }
    const validate = this.validatorOf(pointer);
    if (validate(body)) return [];
    return (validate.errors ?? []).map((error) => ({ ...at, pointer: error.instancePath, problem: messageOf(error), value: valueAt(body, error.instancePath) }));
  }
}

function mediaTypeMatches(declared: string, actual: string | null): boolean {
  if (!actual) return false;
  const [type, subtype] = declared.toLowerCase().split('/');
  const [actualType] = actual.split('/');
  return type === '*' || (type === actualType && subtype === '*');
}

function messageOf(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return `has a property the schema does not declare: ${JSON.stringify((error.params as { additionalProperty: string }).additionalProperty)}`;
  if (error.keyword === 'enum') return `${error.message}: ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}`;
  return error.message ?? error.keyword;
}

function valueAt(body: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((value, part) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined), body);
}

const escapePointer = (part: string) => part.replace(/~/g, '~0').replace(/\//g, '~1');
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let orderlineCheck: ResponseSchemaCheck | undefined;

/** docs/api/openapi.json of this checkout, found from this file up (source and dist alike). */
export function orderlineApiDocumentPath(): string {
  for (let directory = __dirname; ; directory = dirname(directory)) {
    const candidate = join(directory, 'docs', 'api', 'openapi.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(directory) === directory) throw new Error(`docs/api/openapi.json not found above ${__dirname}`);
  }
}

/** The check against the committed document, read once per process (module registry). */
export function orderlineResponseSchemaCheck(): ResponseSchemaCheck {
  orderlineCheck ??= new ResponseSchemaCheck(JSON.parse(readFileSync(orderlineApiDocumentPath(), 'utf8')) as OpenApiDocument);
  return orderlineCheck;
}

/**
 * An openapi-fetch middleware checking every answer; `onMismatch` gets what does not match
 * (by default it throws, so the call that got the answer fails and says why).
 */
export function responseSchemaCheck(
  onMismatch: (mismatches: ResponseSchemaMismatch[]) => void = throwMismatches,
  check: () => ResponseSchemaCheck = orderlineResponseSchemaCheck,
): Middleware {
  return {
    async onResponse({ request, response }) {
      const contentType = response.headers.get('content-type');
      const mediaType = contentType?.split(';')[0].trim().toLowerCase() ?? '';
      // Only JSON is read (a clone, so the caller still gets the body); files are checked by type.
      const bodyText = isJson(mediaType) || mediaType === '' ? await response.clone().text() : '(not read)';
      const mismatches = check().check(request.method, new URL(request.url).pathname, response.status, contentType, bodyText);
      if (mismatches.length > 0) onMismatch(mismatches);
      return undefined;
    },
  };
}

export class ResponseSchemaMismatchError extends Error {
  constructor(readonly mismatches: ResponseSchemaMismatch[]) {
    super(`the answer does not match docs/api/openapi.json:\n${mismatches.slice(0, 10).map((mismatch) => `  - ${describeMismatch(mismatch)}`).join('\n')}${mismatches.length > 10 ? `\n  … and ${mismatches.length - 10} more` : ''}`);
    this.name = 'ResponseSchemaMismatchError';
  }
}

function throwMismatches(mismatches: ResponseSchemaMismatch[]): never {
  throw new ResponseSchemaMismatchError(mismatches);
}
