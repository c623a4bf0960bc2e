import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomInt } from 'node:crypto';
import { SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { ExportServiceConfig } from '../export-service-config';

// No 0/O, 1/l/I: the password is read from an SMS and typed by hand.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789';

/**
 * The random password of an encrypted export (domain.md §5). It must be sent again on
 * request, so it is stored sealed (AES-256-GCM with the service's key), never returned by a
 * public route, never changed.
 */
@Injectable()
export class PasswordVault {
  private readonly key: Buffer;

  constructor(@Inject(SERVICE_CONFIG) config: ExportServiceConfig) {
    if (config.NODE_ENV === 'production' && !config.EXPORT_PASSWORD_KEY) throw new Error('EXPORT_PASSWORD_KEY is required in production');
    this.key = createHash('sha256').update(config.EXPORT_PASSWORD_KEY ?? `orderline-dev-export-key:${config.INTERNAL_API_TOKEN ?? ''}`).digest();
  }

  generate(length = 12): string {
    let password = '';
    for (let i = 0; i < length; i++) password += ALPHABET[randomInt(ALPHABET.length)];
    return password;
  }

  seal(password: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.');
  }

  open(sealed: string): string {
    const [iv, tag, data] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  }
}
