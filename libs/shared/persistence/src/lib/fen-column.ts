import { ColumnOptions, ValueTransformer } from 'typeorm';

/** bigint in PostgreSQL (pg returns it as a string) ↔ a safe integer of fen in code. */
export const fenTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => {
    if (value === null || value === undefined) return value;
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed)) throw new Error(`stored amount ${value} is not a safe integer of fen`);
    return parsed;
  },
};

export function fenColumn(options: ColumnOptions = {}): ColumnOptions {
  return { type: 'bigint', transformer: fenTransformer, ...options };
}
