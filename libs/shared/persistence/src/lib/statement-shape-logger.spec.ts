import { StatementShapeLogger, statementShape } from './statement-shape-logger';

describe('database logging by statement shape', () => {
  it('logs a failed query without its parameters, the driver detail or inline literals', () => {
    const lines: Array<{ message: string; fields?: Record<string, unknown> }> = [];
    const logger = new StatementShapeLogger({ warn: (message, fields) => lines.push({ message, fields }), error: (message, fields) => lines.push({ message, fields }) });
    const error = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505', detail: 'Key (phone)=(13800138000) already exists.' });
    logger.logQueryError(error, `INSERT INTO account (username, password_hash, phone)\n  VALUES ($1, $2, 'x''13800138000')`);
    const text = JSON.stringify(lines);
    for (const secret of ['13800138000', 'scrypt$', 'merchant-password']) expect(text).not.toContain(secret);
    expect(lines).toEqual([{ message: 'query failed', fields: { code: '23505', statement: "INSERT INTO account (username, password_hash, phone) VALUES ($1, $2, '…')" } }]);
    expect(statementShape('x'.repeat(900))).toHaveLength(500);
  });
});
