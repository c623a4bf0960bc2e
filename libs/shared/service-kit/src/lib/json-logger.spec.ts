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
