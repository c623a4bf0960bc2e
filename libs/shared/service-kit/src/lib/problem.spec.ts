import { ArgumentMetadata, NotFoundException, ValidationPipe } from '@nestjs/common';
import * as classTransformer from 'class-transformer';
import { Transform, Type } from 'class-transformer';
import { ArrayMinSize, IsInt, IsOptional, IsString, Length, Min, ValidateNested } from 'class-validator';
import { sumFen, MAX_FEN } from '@orderline/shared/money';
import { createValidationPipe, DomainError, PIPE_TRANSFORMER, sendProblem, toProblem, ValidationProblem } from './problem';
import { inFlightLimit } from './http-app';
import { EventEmitter } from 'node:events';
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

describe('the validation pipe', () => {
  class LineBody {
    @IsString() @Length(1, 20) sku!: string;
    @IsInt() @Min(1) quantity!: number;
  }
  class OrderBody {
    @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => LineBody) lines!: LineBody[];
    @IsOptional() @IsString() note?: string;
  }
  const asBody: ArgumentMetadata = { type: 'body', metatype: OrderBody };
  const outcome = async (pipe: ValidationPipe, body: unknown) => {
    try {
      return { value: await pipe.transform(body, asBody) };
    } catch (error) {
      return { status: (error as ValidationProblem).status, errors: (error as ValidationProblem).errors };
    }
  };
  afterEach(() => jest.restoreAllMocks());

  it('answers a valid body without class-validator, and every other body exactly as class-validator does', async () => {
    // Nest's own pipe with the same options and the same problem (the factory is taken from ours).
    const reference = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, exceptionFactory: (errors) => createValidationPipe()['exceptionFactory'](errors) });
    const classValidator = jest.spyOn(ValidationPipe.prototype as unknown as { validate: () => unknown }, 'validate');
    const valid = { lines: [{ sku: 'kettle', quantity: 2 }], note: 'ring twice' };
    const answered = await outcome(createValidationPipe(), valid);
    expect(answered).toEqual({ value: Object.assign(new OrderBody(), { lines: [Object.assign(new LineBody(), valid.lines[0])], note: 'ring twice' }) });
    expect(answered.value).toBeInstanceOf(OrderBody);
    expect(classValidator).not.toHaveBeenCalled();

    const invalid = [
      { lines: [] },
      { lines: [{ sku: 'kettle', quantity: 0 }] },
      { lines: [{ sku: 'kettle', quantity: 1, unitPrice: 1 }] },
      { lines: [{ sku: 'kettle', quantity: 1 }], price: 1 },
      { lines: 'kettle' },
      { lines: [null] },
      { note: 7 },
    ];
    for (const body of invalid) {
      const checked = await outcome(createValidationPipe(), structuredClone(body));
      expect(checked).toMatchObject({ status: 400 });
      expect(checked).toEqual(await outcome(reference, structuredClone(body)));
    }
    expect(classValidator).toHaveBeenCalled();
  });
  it('builds a body into its classes without class-transformer, into the very instance class-transformer builds', async () => {
    class Trimmed {
      @Transform(({ value }) => String(value).trim()) @IsString() sku!: string;
    }
    const plainToInstance = jest.spyOn(classTransformer, 'plainToInstance');
    const bodies: unknown[] = [
      { lines: [{ sku: 'kettle', quantity: 2 }], note: 'ring twice' },
      { lines: [{ sku: 'kettle', quantity: 2, unitPrice: 1 }, { sku: { nested: [1, { deep: true }] } }], extra: [null, 'x'] },
      { lines: 'kettle', note: null },
      { lines: [null, 3, 'x', [{ sku: 'a' }]] },
      { constructor: 'x', toString: 'y', hasOwnProperty: 1 },
      {},
    ];
    for (const body of bodies) {
      const ours = PIPE_TRANSFORMER.plainToInstance(OrderBody, structuredClone(body));
      const theirs = classTransformer.plainToInstance(OrderBody, structuredClone(body));
      expect(ours).toStrictEqual(theirs);
      expect(Object.getPrototypeOf(ours)).toBe(OrderBody.prototype);
    }
    plainToInstance.mockClear();

    // Through the pipe: a plain body never reaches class-transformer; a class with a @Transform does.
    const valid = { lines: [{ sku: 'kettle', quantity: 2 }] };
    expect((await outcome(createValidationPipe(), valid)).value).toBeInstanceOf(OrderBody);
    expect(plainToInstance).not.toHaveBeenCalled();
    expect(await createValidationPipe().transform({ sku: '  kettle ' }, { type: 'body', metatype: Trimmed })).toEqual(Object.assign(new Trimmed(), { sku: 'kettle' }));
    expect(plainToInstance).toHaveBeenCalledTimes(1);
  });
});

describe('overload answers 503 with Retry-After, never 500 (issue 13 item 2)', () => {
  it('maps pool exhaustion, statement timeouts and a lost database to 503 SERVICE_UNAVAILABLE with retryAfterSeconds', () => {
    const poolTimeout = new Error('timeout exceeded when trying to connect');
    const statementTimeout = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    const typeormWrapped = Object.assign(new Error('QueryFailedError'), { driverError: { code: '53300' } });
    const lost = new Error('Connection terminated unexpectedly');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    for (const error of [poolTimeout, statementTimeout, typeormWrapped, lost, refused]) {
      expect(toProblem(error)).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 });
    }
    // A constraint violation is not load: still a bug until a use case maps it.
    expect(toProblem(Object.assign(new Error('duplicate key'), { code: '23505' }))).toMatchObject({ status: 500 });
  });

  it('sends Retry-After as a header beside the body', () => {
    const headers: Record<string, string> = {};
    const response = { setHeader: (name: string, value: string) => (headers[name] = value), status: () => response, type: () => response, send: () => response };
    sendProblem(response as never, toProblem(new Error('timeout exceeded when trying to connect')));
    expect(headers['Retry-After']).toBe('1');
  });

  it('sheds requests past the in-flight limit with 503 OVERLOADED and admits again once one finishes', () => {
    const limit = inFlightLimit(2);
    const answers: number[] = [];
    const request = (path = '/orders') => ({ path }) as never;
    const response = () => {
      const emitter = new EventEmitter() as EventEmitter & Record<string, unknown>;
      Object.assign(emitter, { setHeader: () => undefined, status: (code: number) => (answers.push(code), emitter), type: () => emitter, send: () => emitter });
      return emitter;
    };
    let admitted = 0;
    const first = response();
    limit(request(), first as never, () => admitted++);
    limit(request(), response() as never, () => admitted++);
    limit(request(), response() as never, () => admitted++);
    expect({ admitted, answers }).toEqual({ admitted: 2, answers: [503] });
    limit(request('/health'), response() as never, () => admitted++);
    expect(admitted).toBe(3);
    first.emit('finish');
    first.emit('close');
    limit(request(), response() as never, () => admitted++);
    limit(request(), response() as never, () => admitted++);
    expect({ admitted, answers }).toEqual({ admitted: 4, answers: [503, 503] });
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
