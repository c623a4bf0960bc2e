/** Exit codes (docs/admin-cli.md): scripts branch on them. */
export const EXIT = {
  ok: 0,
  /** The command ran and something failed or is left to do (e.g. values no key opens). */
  failed: 1,
  /** Unknown command, bad option or missing setting: nothing was done. */
  usage: 2,
  /** A database or the gateway could not be reached, or refused the credentials. */
  unreachable: 3,
} as const;

/** A wrong command line or a missing setting. */
export class UsageError extends Error {}

/** A database or the gateway did not answer or refused us. */
export class UnreachableError extends Error {}
