import { loadConfig } from '@orderline/shared/service-kit';
import { GatewayConfig } from '../gateway-config';
import { hashPassword, needsRehash, OWASP_SCRYPT_COST, scryptCost, verifyPassword } from './password-hasher';

describe('password hashing', () => {
  it('hashes at OWASP strength by default with the parameters in the hash', async () => {
    const stored = await hashPassword('merchant-password');
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('merchant-password', stored)).toBe(true);
    expect(await verifyPassword('wrong-password', stored)).toBe(false);
    expect(needsRehash(stored, OWASP_SCRYPT_COST)).toBe(false);
  });

  it('still verifies an old (N=2^14) hash and marks it for upgrade', async () => {
    const old = await hashPassword('buyer-password', scryptCost(14));
    expect(old.startsWith('scrypt$16384$8$1$')).toBe(true);
    expect(await verifyPassword('buyer-password', old)).toBe(true);
    expect(needsRehash(old, OWASP_SCRYPT_COST)).toBe(true);
    expect(needsRehash(old, scryptCost(14))).toBe(false);
  });

  it('refuses damaged or absurd hashes instead of running them', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1073741824$8$1$c2FsdA$aGFzaA')).toBe(false);
    expect(needsRehash('plain', OWASP_SCRYPT_COST)).toBe(true);
  });
});

describe('gateway configuration of passwords', () => {
  const base = {
    PORT: '3000',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/gateway',
    KAFKA_BROKERS: '127.0.0.1:9092',
    JWT_SECRET: 'a-secret-of-sixteen-chars',
    INTERNAL_API_TOKEN: 'an-internal-token-0123',
    PERSONAL_DATA_KEY: 'a-personal-data-key-0123',
    ORDER_SERVICE_URL: 'http://127.0.0.1:1',
    CREDIT_BILLING_SERVICE_URL: 'http://127.0.0.1:1',
    LOGISTICS_SERVICE_URL: 'http://127.0.0.1:1',
    AFTER_SALES_SERVICE_URL: 'http://127.0.0.1:1',
    EXPORT_SERVICE_URL: 'http://127.0.0.1:1',
  };

  it('refuses the default operator password in a production start, not in embedded mode or development', () => {
    expect(() => loadConfig(GatewayConfig, { ...base, NODE_ENV: 'production', BOOTSTRAP_OPERATOR: 'operator:operator-password' })).toThrow(/BOOTSTRAP_OPERATOR is invalid: .*default password/);
    expect(loadConfig(GatewayConfig, { ...base, NODE_ENV: 'production', BOOTSTRAP_OPERATOR: 'operator:a-real-password' }).BOOTSTRAP_OPERATOR).toBe('operator:a-real-password');
    expect(loadConfig(GatewayConfig, { ...base, NODE_ENV: 'production', EMBEDDED_MODE: '1', BOOTSTRAP_OPERATOR: 'operator:operator-password' }).EMBEDDED_MODE).toBe('1');
    expect(loadConfig(GatewayConfig, { ...base, BOOTSTRAP_OPERATOR: 'operator:operator-password' }).PASSWORD_SCRYPT_LOG2N).toBe(17);
  });

  it('allows a lower scrypt cost only outside production', () => {
    expect(loadConfig(GatewayConfig, { ...base, BOOTSTRAP_OPERATOR: 'operator:x-password', PASSWORD_SCRYPT_LOG2N: '14' }).PASSWORD_SCRYPT_LOG2N).toBe(14);
    expect(() => loadConfig(GatewayConfig, { ...base, NODE_ENV: 'production', BOOTSTRAP_OPERATOR: 'operator:x-password', PASSWORD_SCRYPT_LOG2N: '14' })).toThrow(/PASSWORD_SCRYPT_LOG2N/);
  });
});
