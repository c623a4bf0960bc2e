import { loadConfig } from '@orderline/shared/service-kit';
import { ExportServiceConfig } from '../export-service-config';
import { PasswordVault } from './password-vault';

const OLD_KEY = 'old-export-key-0123456789';
const NEW_KEY = 'new-export-key-0123456789';
const vaultWith = (env: Record<string, string>) =>
  new PasswordVault(loadConfig(ExportServiceConfig, { PORT: '0', DATABASE_URL: 'postgres://x@localhost/export', KAFKA_BROKERS: 'localhost:9092', ...env }));

const UNREADABLE = { code: 'EXPORT_PASSWORD_UNREADABLE', status: 410 };
function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('export password vault across a key rotation', () => {
  it('opens a password sealed under a previous key and seals new ones under the current key only', () => {
    const sealedBefore = vaultWith({ EXPORT_PASSWORD_KEY: OLD_KEY }).seal('Pw3xKmNq7aBc');
    const rotated = vaultWith({ EXPORT_PASSWORD_KEY: NEW_KEY, EXPORT_PASSWORD_KEYS_PREVIOUS: `older-export-key-012345,${OLD_KEY}` });
    expect(rotated.open(sealedBefore)).toBe('Pw3xKmNq7aBc');

    const sealedAfter = rotated.seal('Qz8yHrTs2dEf');
    expect(vaultWith({ EXPORT_PASSWORD_KEY: NEW_KEY }).open(sealedAfter)).toBe('Qz8yHrTs2dEf');
    expect(thrownBy(() => vaultWith({ EXPORT_PASSWORD_KEY: OLD_KEY }).open(sealedAfter))).toMatchObject(UNREADABLE);
  });

  it('without the previous key a password sealed before stays closed', () => {
    const sealedBefore = vaultWith({ EXPORT_PASSWORD_KEY: OLD_KEY }).seal('Pw3xKmNq7aBc');
    // A 410 the merchant can act on (create a new task), never a 500.
    expect(thrownBy(() => vaultWith({ EXPORT_PASSWORD_KEY: NEW_KEY }).open(sealedBefore))).toMatchObject(UNREADABLE);
  });

  it('refuses a previous-key list with a short key, naming the variable', () => {
    expect(() => vaultWith({ EXPORT_PASSWORD_KEY: NEW_KEY, EXPORT_PASSWORD_KEYS_PREVIOUS: `${OLD_KEY},short` })).toThrow(/EXPORT_PASSWORD_KEYS_PREVIOUS/);
  });
});
