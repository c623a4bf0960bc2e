import { IsInt, Max, Min } from 'class-validator';

/** An amount of money in fen: a non-negative safe integer (domain.md, preamble). */
export function IsFen(): PropertyDecorator {
  const decorators = [IsInt(), Min(0), Max(Number.MAX_SAFE_INTEGER)];
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}
