import { IsInt, Max, Min } from 'class-validator';
import { MAX_FEN } from '@orderline/shared/money';

export { MAX_FEN };

/**
 * An amount of money in fen: a non-negative integer no larger than MAX_FEN (10 billion yuan,
 * far inside 2^53; domain.md, preamble). Used by every request and event payload, so an
 * amount past the bound is a 400 at the edge and a refused event downstream.
 */
export function IsFen(): PropertyDecorator {
  const decorators = [IsInt(), Min(0), Max(MAX_FEN)];
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}
