/**
 * The one rule for free text that enters the platform (issue 12 item 5, docs/security.md):
 * applied at the edge to every request body and query string, and again to every event
 * payload before it is written to the outbox, so nothing that can break PostgreSQL (NUL),
 * a JSON/UTF-8 encoder (lone surrogates), a log line or a terminal (C0 controls) is stored
 * or published.
 *
 * - no NUL and no other C0 control character, nor DEL; TAB, LF and CR only in the fields
 *   that hold multi-line prose (MULTI_LINE_FIELDS);
 * - no lone UTF-16 surrogate (half of a pair: not representable in UTF-8);
 * - at most MAX_TEXT_LENGTH UTF-16 units, whatever the field (DTOs cap tighter per field);
 * - stored in Unicode normalisation form C, so "é" typed two ways is one value.
 */

/** Longer than any field's own cap (the longest is 2 000); stops a 1 MB string before validation. */
export const MAX_TEXT_LENGTH = 4_000;

/** Fields of prose in which a person may press Enter; every other string is one line. */
export const MULTI_LINE_FIELDS: ReadonlySet<string> = new Set(['buyerNote', 'note', 'remark', 'description', 'comment']);

export type TextProblem = 'CONTROL_CHARACTER' | 'LONE_SURROGATE' | 'TOO_LONG';

export const TEXT_PROBLEM_MESSAGES: Record<TextProblem, string> = {
  CONTROL_CHARACTER: 'must not contain NUL or other control characters',
  LONE_SURROGATE: 'must be valid Unicode (no lone UTF-16 surrogate)',
  TOO_LONG: `must be at most ${MAX_TEXT_LENGTH} characters`,
};

// C0 controls and DEL; TAB (09), LF (0A) and CR (0D) are judged separately.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const LINE_BREAK_OR_TAB = /[\t\n\r]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Every character any rule above can refuse: a string without one is fine in any field. One scan
// decides nearly every string (issue 19: the rule runs on every request body and every event).
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000-\u001F\u007F\uD800-\uDFFF]/;
// A string of ASCII only is already in NFC.
// eslint-disable-next-line no-control-regex
const NOT_ASCII = /[^\u0000-\u007F]/;

/** Whether `text` passes the rule in every field, single-line or not (most strings). */
function plainlyFine(text: string): boolean {
  return text.length <= MAX_TEXT_LENGTH && !SUSPECT.test(text);
}

/** What is wrong with one string, or null. `multiLine` allows TAB, LF and CR. */
export function textProblem(text: string, multiLine = false): TextProblem | null {
  if (plainlyFine(text)) return null;
  if (text.length > MAX_TEXT_LENGTH) return 'TOO_LONG';
  if (CONTROL.test(text) || (!multiLine && LINE_BREAK_OR_TAB.test(text))) return 'CONTROL_CHARACTER';
  if (LONE_SURROGATE.test(text)) return 'LONE_SURROGATE';
  return null;
}

/** The name a field is judged by: the last property of its path (`lines.0.note` → `note`). */
function fieldName(path: string): string {
  const parts = path.split('.');
  for (let i = parts.length - 1; i >= 0; i--) if (!/^\d+$/.test(parts[i])) return parts[i];
  return '';
}

export interface TextViolation {
  field: string;
  problem: TextProblem;
}

export interface ShapeLimits {
  /** Objects and arrays nested deeper than this are refused (a body's root is depth 1). */
  maxDepth: number;
  /** Elements of any one array. */
  maxArrayLength: number;
  /** Values in the whole document (every object, array, string, number, …). */
  maxValues: number;
}

export type ShapeViolation = { kind: 'TOO_DEEP' | 'ARRAY_TOO_LONG' | 'TOO_MANY_VALUES'; field: string };

/**
 * Walks a parsed JSON document without recursion (a 20 000-level document must not blow the
 * stack): checks its shape against `limits`, checks every string (and every object key) with
 * the text rule and replaces each valid string by its NFC form in place. Stops at the first
 * shape violation (the document is refused whole); collects up to 20 text violations.
 */
export function inspectDocument(root: unknown, limits: ShapeLimits, rootPath = ''): { shape?: ShapeViolation; text: TextViolation[] } {
  const text: TextViolation[] = [];
  let values = 0;
  // Paths are written out only for what is reported (or judged by its field name): each entry
  // keeps its parent and key instead of a string built for every value.
  const stack: Entry[] = [{ holder: null, key: '', value: root, parent: null, depth: 1 }];
  const pathOf = (entry: Entry): string => {
    if (!entry.parent) return rootPath;
    const parentPath = pathOf(entry.parent);
    return parentPath ? `${parentPath}.${entry.key}` : String(entry.key);
  };
  while (stack.length) {
    const entry = stack.pop() as Entry;
    const { holder, key, value, depth } = entry;
    if (++values > limits.maxValues) return { shape: { kind: 'TOO_MANY_VALUES', field: pathOf(entry) }, text };
    if (typeof value === 'string') {
      if (plainlyFine(value)) {
        if (holder && NOT_ASCII.test(value)) normaliseInPlace(holder, key, value);
        continue;
      }
      const path = pathOf(entry);
      const problem = textProblem(value, MULTI_LINE_FIELDS.has(fieldName(path)));
      if (problem) {
        if (text.length < 20) text.push({ field: path || '(body)', problem });
      } else if (holder) {
        normaliseInPlace(holder, key, value);
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limits.maxDepth) return { shape: { kind: 'TOO_DEEP', field: pathOf(entry) }, text };
    if (Array.isArray(value)) {
      if (value.length > limits.maxArrayLength) return { shape: { kind: 'ARRAY_TOO_LONG', field: pathOf(entry) }, text };
      for (let i = value.length - 1; i >= 0; i--) stack.push({ holder: value, key: i, value: value[i], parent: entry, depth: depth + 1 });
      continue;
    }
    const names = Object.keys(value);
    for (let i = names.length - 1; i >= 0; i--) {
      const name = names[i];
      const keyProblem = textProblem(name);
      if (keyProblem) {
        const path = pathOf(entry);
        if (text.length < 20) text.push({ field: path ? `${path}.(key)` : '(key)', problem: keyProblem });
        continue;
      }
      stack.push({ holder: value as Record<string, unknown>, key: name, value: (value as Record<string, unknown>)[name], parent: entry, depth: depth + 1 });
    }
  }
  return { text };
}

function normaliseInPlace(holder: Record<string, unknown> | unknown[], key: string | number, value: string): void {
  const normal = value.normalize('NFC');
  if (normal !== value) (holder as Record<string | number, unknown>)[key] = normal;
}

interface Entry {
  holder: Record<string, unknown> | unknown[] | null;
  key: string | number;
  value: unknown;
  parent: Entry | null;
  depth: number;
}
