import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Personal data never travels in clear in an event (the envelope ends up in outboxes, topics,
 * DLQs and logs). A service that must keep it (the export read model, domain.md §5) gets it
 * sealed with AES-256-GCM under the platform's personal-data key; everyone else sees an
 * opaque string.
 */
function keyOf(secret: string): Buffer {
  return createHash('sha256').update(`orderline:personal-data:${secret}`).digest();
}

export function sealPersonalData(data: unknown, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

/** The sealed value, or undefined when it was sealed under another key or is damaged. */
export function openPersonalData<T>(sealed: string, secret: string): T | undefined {
  try {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1') return undefined;
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return JSON.parse(Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
