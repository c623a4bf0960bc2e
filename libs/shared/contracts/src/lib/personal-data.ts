import { createHash } from 'node:crypto';
import { ResealOutcome, Sealer } from './sealer';

/**
 * Personal data never travels in clear in an event (the envelope ends up in outboxes, topics,
 * DLQs and logs). A service that must keep it (the export read model, domain.md §5) gets it
 * sealed with the platform's `Sealer` under the personal-data key; everyone else sees an
 * opaque string.
 *
 * `secret` is the personal-data secret, or several newest first while a key rotates (values
 * sealed under an older one still open).
 */
function sealerOf(secret: string | readonly string[]): Sealer {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  // Every event that carries personal data is sealed or opened with the service's one secret list:
  // its keys and key ids are hashed once per list, not on every call (issue 19).
  const listKey = secrets.join('\n');
  const known = sealers.get(listKey);
  if (known) return known;
  const sealer = new Sealer(secrets.map((one) => createHash('sha256').update(`orderline:personal-data:${one}`).digest()));
  if (sealers.size >= MAX_SEALERS) sealers.clear();
  sealers.set(listKey, sealer);
  return sealer;
}

/** A process holds a secret list or two (two while a key rotates); the bound only guards against misuse. */
const MAX_SEALERS = 16;
const sealers = new Map<string, Sealer>();

export function sealPersonalData(data: unknown, secret: string | readonly string[]): string {
  return sealerOf(secret).seal(JSON.stringify(data));
}

/** The sealed value, or undefined when it was sealed under another key or is damaged. */
export function openPersonalData<T>(sealed: string, secret: string | readonly string[]): T | undefined {
  const json = sealerOf(secret).open(sealed);
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json) as T;
  } catch {
    return undefined;
  }
}

/** The key id personal data is sealed under now (the first secret's). */
export function personalDataKeyId(secret: string | readonly string[]): string {
  return sealerOf(secret).sealingKeyId;
}

/**
 * A sealed value under the current key (key rotation, `orderline rotate-key`): `current` when it
 * already is, `resealed` with the new value when an older key opened it, `unreadable` when no
 * key given opens it (it is left as it is).
 */
export function resealPersonalData(sealed: string, secret: string | readonly string[]): ResealOutcome {
  return sealerOf(secret).reseal(sealed);
}
