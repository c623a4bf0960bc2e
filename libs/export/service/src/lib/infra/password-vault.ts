import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomInt } from 'node:crypto';
import { Sealer } from '@orderline/shared/contracts';
import { DomainError, previousKeys, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { ExportServiceConfig } from '../export-service-config';

// No 0/O, 1/l/I: the password is read from an SMS and typed by hand.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789';

export type ExportPasswordKeys = Pick<ExportServiceConfig, 'EXPORT_PASSWORD_KEY' | 'EXPORT_PASSWORD_KEYS_PREVIOUS' | 'INTERNAL_API_TOKEN'>;

/**
 * The sealer of export passwords, keys newest first: the current key seals, the previous ones
 * still open what they sealed. The vault and `orderline rotate-key` (which re-seals stored
 * passwords under the current key) both use it.
 */
export function exportPasswordSealer(keys: ExportPasswordKeys): Sealer {
  const secrets = [keys.EXPORT_PASSWORD_KEY ?? `orderline-dev-export-key:${keys.INTERNAL_API_TOKEN ?? ''}`, ...previousKeys(keys.EXPORT_PASSWORD_KEYS_PREVIOUS)];
  return new Sealer(secrets.map((secret) => createHash('sha256').update(secret).digest()));
}

/**
 * The random password of an encrypted export (domain.md §5). It must be sent again on
 * request, so it is stored sealed (the platform's `Sealer`, under the service's key), never returned by a
 * public route, never changed. EXPORT_PASSWORD_KEYS_PREVIOUS keeps passwords sealed before a key
 * rotation readable until `orderline rotate-key` re-seals them.
 */
@Injectable()
export class PasswordVault {
  private readonly sealer: Sealer;

  constructor(@Inject(SERVICE_CONFIG) config: ExportServiceConfig) {
    if (config.NODE_ENV === 'production' && !config.EXPORT_PASSWORD_KEY) throw new Error('EXPORT_PASSWORD_KEY is required in production');
    this.sealer = exportPasswordSealer(config);
  }

  generate(length = 12): string {
    let password = '';
    for (let i = 0; i < length; i++) password += ALPHABET[randomInt(ALPHABET.length)];
    return password;
  }

  seal(password: string): string {
    return this.sealer.seal(password);
  }

  /**
   * The password, or `410 EXPORT_PASSWORD_UNREADABLE` when no key this service holds opens it (it
   * was sealed under a key since dropped from EXPORT_PASSWORD_KEYS_PREVIOUS): the task can never
   * produce or re-send it, so the merchant is told to create a new task instead of getting a 500.
   */
  open(sealed: string): string {
    const password = this.sealer.open(sealed);
    if (password === undefined) {
      throw new DomainError('EXPORT_PASSWORD_UNREADABLE', 410, "this task's password was sealed under an export key this service no longer holds; create a new task");
    }
    return password;
  }
}
