import { BaseServiceConfig, loadConfig, personalDataSecret } from './config';

const base = { PORT: '3001', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/orderline_order', KAFKA_BROKERS: 'kafka:29092' };
const secrets = { INTERNAL_API_TOKEN: 'an-internal-token-0123', PERSONAL_DATA_KEY: 'a-personal-data-key-0123' };

describe('production secrets (issue 16 item 6)', () => {
  it('refuses a placeholder in any secret variable with NODE_ENV=production, naming it', () => {
    expect(() => loadConfig(BaseServiceConfig, { ...base, ...secrets, NODE_ENV: 'production', PERSONAL_DATA_KEY: 'change-me-personal-data-key' })).toThrow(/PERSONAL_DATA_KEY is invalid: a placeholder/);
    expect(() => loadConfig(BaseServiceConfig, { ...base, ...secrets, NODE_ENV: 'production', INTERNAL_API_TOKEN: 'change-me-internal-token' })).toThrow(/INTERNAL_API_TOKEN is invalid: a placeholder/);
    // Development keeps accepting them (docker compose without a .env, npm run stack).
    expect(loadConfig(BaseServiceConfig, { ...base, ...secrets, PERSONAL_DATA_KEY: 'change-me-personal-data-key' }).PERSONAL_DATA_KEY).toBe('change-me-personal-data-key');
  });

  it('requires the internal token and the personal-data key in production', () => {
    expect(() => loadConfig(BaseServiceConfig, { ...base, NODE_ENV: 'production' })).toThrow(/INTERNAL_API_TOKEN is missing[\s\S]*PERSONAL_DATA_KEY is missing/);
    expect(loadConfig(BaseServiceConfig, { ...base, ...secrets, NODE_ENV: 'production' }).NODE_ENV).toBe('production');
  });

  it('reads the previous personal-data keys after the current one (key rotation)', () => {
    const config = loadConfig(BaseServiceConfig, { ...base, ...secrets, PERSONAL_DATA_KEYS_PREVIOUS: 'older-key-0123456789,oldest-key-0123456789' });
    expect(personalDataSecret(config)).toEqual(['a-personal-data-key-0123', 'older-key-0123456789', 'oldest-key-0123456789']);
    expect(() => loadConfig(BaseServiceConfig, { ...base, ...secrets, PERSONAL_DATA_KEYS_PREVIOUS: 'short' })).toThrow(/PERSONAL_DATA_KEYS_PREVIOUS/);
  });
});
