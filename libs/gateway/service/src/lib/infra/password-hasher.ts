import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** OWASP Password Storage Cheat Sheet, scrypt: N=2^17, r=8, p=1 (128 MiB, ~0.3 s of CPU per hash). */
export const OWASP_SCRYPT_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };

/** The cost for `PASSWORD_SCRYPT_LOG2N` (production: 17 or more, see GatewayConfig); r and p stay OWASP's. */
export function scryptCost(log2N = 17): ScryptCost {
  return { ...OWASP_SCRYPT_COST, N: 2 ** log2N };
}

/** scrypt needs 128·N·r bytes; Node refuses above `maxmem` (default 32 MiB), so allow twice that. */
function maxmemFor({ N, r, p }: ScryptCost): number {
  return 2 * 128 * N * r * p + 1024 * 1024;
}

function parse(stored: string): (ScryptCost & { salt: Buffer; hash: Buffer }) | null {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  // Our own hashes only: bounded so a damaged row cannot ask for gigabytes.
  if (scheme !== 'scrypt' || !salt || !hash || !Number.isInteger(Math.log2(cost.N)) || cost.N < 2 || cost.N > 2 ** 20 || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16) return null;
  return { ...cost, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

/** Stored as `scrypt$N$r$p$salt$hash`: the parameters travel with the hash, so old hashes stay verifiable. */
export async function hashPassword(password: string, cost: ScryptCost = OWASP_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, { ...cost, maxmem: maxmemFor(cost) });
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const actual = await scrypt(password, parsed.salt, parsed.hash.length, { N: parsed.N, r: parsed.r, p: parsed.p, maxmem: maxmemFor(parsed) });
  return timingSafeEqual(parsed.hash, actual);
}

/** A hash made with weaker parameters than `cost` is replaced at the next successful sign-in. */
export function needsRehash(stored: string, cost: ScryptCost): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.N < cost.N || parsed.r < cost.r || parsed.p < cost.p;
}
