import type { NextFunction, Request, Response } from 'express';
import { inspectDocument, ShapeLimits, TEXT_PROBLEM_MESSAGES } from '@orderline/shared/platform-rules';
import { problem, sendProblem } from './problem';

/**
 * Generous for every real request (the largest DTO array holds 200 items of ~20 values, the
 * deepest body is 5 levels) and small enough that refusing a hostile one costs a bounded walk
 * before class-transformer and class-validator ever see it (issue 12 item 8).
 */
export const REQUEST_SHAPE_LIMITS: ShapeLimits = { maxDepth: 32, maxArrayLength: 1_000, maxValues: 20_000 };

/**
 * Runs right after JSON parsing, for every route: refuses a body nested too deep (400) or too
 * large in values (413) before validation, and applies the free-text rule (docs/security.md)
 * to every string of the body and the query — refused with 400 `errors[]` naming the field,
 * valid strings normalised to NFC in place.
 */
export function requestGuard(limits: ShapeLimits = REQUEST_SHAPE_LIMITS) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const errors: Array<{ field: string; message: string }> = [];
    for (const [part, document] of [['', request.body], ['query', request.query]] as const) {
      if (document === undefined || document === null || (typeof document === 'object' && Object.keys(document).length === 0)) continue;
      const { shape, text } = inspectDocument(document, limits, part);
      if (shape?.kind === 'TOO_DEEP') {
        return sendProblem(response, problem(400, 'BODY_TOO_DEEP', `the request nests objects or arrays more than ${limits.maxDepth} levels deep`, { field: shape.field }));
      }
      if (shape) {
        const detail = shape.kind === 'ARRAY_TOO_LONG' ? `an array holds more than ${limits.maxArrayLength} elements` : `the request holds more than ${limits.maxValues} values`;
        return sendProblem(response, problem(413, 'PAYLOAD_TOO_LARGE', detail, { field: shape.field }));
      }
      for (const violation of text) errors.push({ field: violation.field, message: `${violation.field} ${TEXT_PROBLEM_MESSAGES[violation.problem]}` });
    }
    if (errors.length) return sendProblem(response, problem(400, 'VALIDATION_FAILED', `${errors.length} field(s) failed validation`, { errors }));
    next();
  };
}
