import { DomainError } from './problem';

/**
 * The one codec for keyset-paging cursors (newest first by `(created_at, id)`): lists hand out
 * an opaque base64url token of the last row's position and take it back as `cursor`. A token a
 * list did not give out answers 400, never a 500 or a silently wrong page.
 */
export interface KeysetPosition {
  at: Date;
  id: string;
}

export function encodeKeysetCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.at.toISOString()}|${position.id}`, 'utf8').toString('base64url');
}

export function decodeKeysetCursor(cursor: string): KeysetPosition {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const instant = new Date(at ?? '');
  if (rest.length > 0 || !id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(instant.getTime())) {
    throw new DomainError('VALIDATION_FAILED', 400, 'cursor is not one this list gave out', { errors: [{ field: 'cursor', message: 'invalid cursor' }] });
  }
  return { at: instant, id };
}
