import { NotFoundException } from '@nestjs/common';
import { sumFen, MAX_FEN } from '@orderline/shared/money';
import { DomainError, toProblem } from './problem';
import { BaseServiceConfig, ConfigError, loadConfig } from './config';

describe('problem+json mapping', () => {
  it('answers a total past the money bound with 422 AMOUNT_OUT_OF_RANGE, not 500', () => {
    let thrown: unknown;
    try {
      sumFen([MAX_FEN, MAX_FEN]);
    } catch (error) {
      thrown = error;
    }
    expect(toProblem(thrown)).toMatchObject({ status: 422, code: 'AMOUNT_OUT_OF_RANGE' });
  });

  it('keeps the domain code and never lets an extension override the status', () => {
    const body = toProblem(new DomainError('ORDER_ALREADY_SHIPPED', 409, 'apply for after-sales', { status: 'SHIPPED', orderId: 'o1' }));
    expect(body).toMatchObject({ status: 409, code: 'ORDER_ALREADY_SHIPPED', detail: 'apply for after-sales', orderId: 'o1', title: 'Conflict' });
  });

  it('maps body-parser and framework errors to client errors, and hides internals', () => {
    expect(toProblem(Object.assign(new SyntaxError('x'), { type: 'entity.parse.failed', status: 400 }))).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
    expect(toProblem(Object.assign(new Error('big'), { type: 'entity.too.large', status: 413 }))).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(toProblem(new NotFoundException())).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const internal = toProblem(new Error('password=hunter2 at db'));
    expect(internal).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(JSON.stringify(internal)).not.toMatch(/hunter2/);
  });
});

describe('configuration', () => {
  it('applies defaults and names every bad variable', () => {
    const config = loadConfig(BaseServiceConfig, { PORT: '3001', DATABASE_URL: 'postgres://u@h:5432/orderline_order', KAFKA_BROKERS: 'a:9092,b:9093' });
    expect(config).toMatchObject({ PORT: 3001, CONSUMER_MAX_ATTEMPTS: 5, KAFKA_TOPIC_PREFIX: '', LOG_LEVEL: 'info' });
    expect(() => loadConfig(BaseServiceConfig, { PORT: 'x', KAFKA_BROKERS: 'a:9092', CONSUMER_MAX_ATTEMPTS: '0' })).toThrow(ConfigError);
    try {
      loadConfig(BaseServiceConfig, { PORT: 'x', KAFKA_BROKERS: 'a:9092', CONSUMER_MAX_ATTEMPTS: '0' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT is invalid/);
      expect((error as Error).message).toMatch(/DATABASE_URL is missing/);
      expect((error as Error).message).toMatch(/CONSUMER_MAX_ATTEMPTS is invalid/);
    }
  });
});
