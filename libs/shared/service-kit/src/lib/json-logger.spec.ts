import { runWithEventContext } from '@orderline/shared/messaging';
import { JsonLogger } from './json-logger';

describe('JSON logger', () => {
  it('writes one JSON object per line with the correlation id of the current work', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('order-service', 'info', (line) => lines.push(line));
    runWithEventContext({ correlationId: 'corr-1' }, () => logger.component('consumer').warn('retrying', { attempt: 2 }));
    logger.debug('hidden below the minimum level');
    logger.log('plain', 'Boot');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'warn', service: 'order-service', context: 'consumer', correlationId: 'corr-1', msg: 'retrying', attempt: 2 });
    expect(JSON.parse(lines[1])).toMatchObject({ level: 'info', context: 'Boot', msg: 'plain' });
    expect(JSON.parse(lines[1]).correlationId).toBeUndefined();
  });
});

describe('JSON logger redaction', () => {
  it('redacts secrets and personal data by field name at any depth, and secrets by their form anywhere', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('gateway', 'info', (line) => lines.push(line));
    logger.component('auth').warn('sign-in failed', {
      username: 'merchant-1',
      password: 'merchant-password',
      consignee: { name: '张三', phone: '13800138000' },
      nested: { webhookSecret: 'whsec', order: { address: { detail: '科技园 1 号' } } },
      error: 'duplicate key value: Key (phone)=(13900139000) already exists; stored scrypt$131072$8$1$c2FsdA$aGFzaA; Bearer eyJhbGciOi.eyJzdWIiOi.c2ln',
    });
    logger.emit('error', 'bad uuid', 'http', { error: 'invalid input syntax for type uuid: "13700137000"' });
    const text = lines.join('\n');
    for (const secret of ['merchant-password', '张三', '13800138000', 'whsec', '科技园', '13900139000', 'aGFzaA', 'eyJzdWIiOi', '13700137000']) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0])).toMatchObject({ username: 'merchant-1', password: '[redacted]', consignee: '[redacted]', nested: { webhookSecret: '[redacted]', order: { address: '[redacted]' } } });
  });
});
