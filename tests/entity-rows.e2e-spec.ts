import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ORDER_MIGRATIONS } from '@orderline/order/service';
import { createServiceDataSource, insertEntities, insertStatement, lockedEntityUpdate, openServiceDatabase, preparedStatementName, selectEntities, selectEntity, selectEntityWith } from '@orderline/shared/persistence';
import { createEventRegistry, OrderStatusChanged } from '@orderline/shared/contracts';
import { UnitOfWork } from '@orderline/shared/messaging';
import { OrderLineRecord, OrderRecord, OrderStatusChangeRecord, ORDER_ENTITIES } from '../libs/order/service/src/lib/infra/order.entity';
import { databaseUrl, infrastructure, isolation } from './support/infrastructure';

/**
 * The hot-path row helpers (`insertEntities`, `selectEntities`) against TypeORM's own `insert`
 * and `find` on the order service's real schema: the rows they write and the entities they read
 * must be the same, column by column (fen transformer, jsonb, text[], defaults, generated ids).
 */
describe('entity row helpers on real PostgreSQL', () => {
  let dataSource: DataSource;
  let url: string;

  beforeAll(async () => {
    url = databaseUrl(infrastructure().postgresUrl, `${isolation('rows').databasePrefix}_order`);
    dataSource = await openServiceDatabase(createServiceDataSource({ url, entities: ORDER_ENTITIES, migrations: ORDER_MIGRATIONS }), url);
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  const at = new Date('2026-11-30T08:15:30.123Z');
  const merchantId = '00000000-0000-4000-8000-000000000001';
  function order(id: string): Partial<OrderRecord> {
    return {
      id,
      merchantId,
      buyerId: '00000000-0000-4000-8000-000000000002',
      status: 'UNPAID',
      paymentMethod: 'CREDIT',
      creditPlan: 'INSTALLMENT',
      creditPeriods: 6,
      creditHoldId: null,
      goodsTotal: 12_345,
      freight: 800,
      payable: 13_145,
      discountTotal: 0,
      couponCode: null,
      fulfilment: null,
      buyerNote: '请放门口 "quoted" \\ back',
      consigneeName: '张三',
      consigneePhone: '13800000000',
      consigneeAddress: { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 1 号' } as never,
      cancelReason: null,
      cancelledBy: null,
      pause: null,
      specifiedPlatformDelivery: false,
      specialAttributes: { reservation: { reservedDeliveryAt: '2026-12-05' } },
      kinds: ['RESERVATION'] as never,
      serviceFees: [{ code: 'INSTALL', amount: 500, skuIds: ['sku-1'] }] as never,
      promisedShipBy: null,
      parentOrderId: null,
      createdAt: at,
      updatedAt: at,
    };
  }
  // The second line leaves `discount` and `snapshot` to their column defaults.
  const lines = (orderId: string): Array<Partial<OrderLineRecord>> => [
    { id: randomUUID(), orderId, position: 0, skuId: 'sku-1', title: '空调', unitPrice: 9_999, quantity: 1, lineTotal: 9_999, discount: 120, snapshot: { title: '空调', unitPrice: 9_999, attributes: { 颜色: '白' } } },
    { id: randomUUID(), orderId, position: 1, skuId: 'sku-2', title: 'cable', unitPrice: 1_173, quantity: 2, lineTotal: 2_346 },
  ];
  const history = (orderId: string): Array<Partial<OrderStatusChangeRecord>> => [
    { orderId, fromStatus: null, toStatus: 'UNPAID', reason: 'PLACED', actor: 'buyer:b', at },
    { orderId, fromStatus: 'UNPAID', toStatus: 'WAITING_OUTBOUND', reason: null, actor: 'system', at: new Date(at.getTime() + 1) },
  ];

  /** What TypeORM's `find` reads of one order, without the ids that differ by construction. */
  async function readBack(orderId: string) {
    const manager = dataSource.manager;
    const stored = await manager.findOneOrFail(OrderRecord, { where: { id: orderId } });
    const storedLines = await manager.find(OrderLineRecord, { where: { orderId }, order: { position: 'ASC' } });
    const storedHistory = await manager.find(OrderStatusChangeRecord, { where: { orderId }, order: { id: 'ASC' } });
    return {
      order: { ...stored, id: undefined },
      lines: storedLines.map((line) => ({ ...line, id: undefined, orderId: undefined })),
      history: storedHistory.map((change) => ({ ...change, id: undefined, orderId: undefined })),
    };
  }

  it('insertEntities writes what TypeORM insert writes, defaults included, one statement per table', async () => {
    const byTypeorm = randomUUID();
    const byHelper = randomUUID();
    await dataSource.transaction(async (manager) => {
      // TypeORM's insert types jsonb columns deeper than the entity does: the same objects, cast.
      await manager.insert(OrderRecord, order(byTypeorm) as never);
      for (const line of lines(byTypeorm)) await manager.insert(OrderLineRecord, line as never);
      for (const change of history(byTypeorm)) await manager.insert(OrderStatusChangeRecord, change as never);
    });
    await dataSource.transaction(async (manager) => {
      await insertEntities(manager, OrderRecord, [order(byHelper)]);
      await insertEntities(manager, OrderLineRecord, lines(byHelper));
      await insertEntities(manager, OrderStatusChangeRecord, history(byHelper));
    });
    const expected = await readBack(byTypeorm);
    expect(await readBack(byHelper)).toEqual(expected);
    // The defaults really were taken: the fen default 0 and the NULL snapshot.
    expect(expected.lines[1]).toMatchObject({ discount: 0, snapshot: null, unitPrice: 1_173 });
    expect(expected.order).toMatchObject({ goodsTotal: 12_345, refundedAmount: 0, pauseReleases: [] });
    // Generated ids were assigned by the database, in insertion order.
    const ids = (await dataSource.query(`SELECT id FROM order_status_history WHERE order_id = $1 ORDER BY id`, [byHelper])).map((row: { id: string }) => Number(row.id));
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBeGreaterThan(ids[0]);
  });

  it('insertEntities with returning gives back the row as stored, database defaults included', async () => {
    const orderId = randomUUID();
    const [returned] = await dataSource.transaction((manager) => insertEntities(manager, OrderRecord, [order(orderId)], { returning: true }));
    expect(returned).toEqual(await dataSource.manager.findOneOrFail(OrderRecord, { where: { id: orderId } }));
    expect(returned).toMatchObject({ refundedAmount: 0, pauseReleases: [], shipmentCarrier: null, goodsTotal: 12_345 });
  });

  it('insertAtCommit writes its rows with the events in one statement at commit, each table in the order given', async () => {
    const orderId = randomUUID();
    const issued: string[] = [];
    let restoreDriver = (): void => undefined;
    const unitOfWork = new UnitOfWork({ dataSource, registry: createEventRegistry(), producer: 'rows-test' });
    await unitOfWork.run(async (scope) => {
      await insertEntities(scope.manager, OrderRecord, [order(orderId)]);
      const query = scope.manager.query.bind(scope.manager);
      // Counted at the driver: the commit's write goes there directly (UnitOfWork, pipelining).
      const driver = (scope.manager.queryRunner as unknown as { databaseConnection: { query: (sql: unknown, values?: unknown) => Promise<unknown> } }).databaseConnection;
      const send = driver.query.bind(driver);
      // Writes only: the check below reads through the same connection.
      driver.query = (sql: unknown, values?: unknown) => (typeof sql === 'string' && !/^(START TRANSACTION|COMMIT|SELECT .*)$/s.test(sql) && issued.push(sql), send(sql, values));
      restoreDriver = () => delete (driver as { query?: unknown }).query;
      // Two calls for one table, a second table in between, and two events: one statement.
      scope.insertAtCommit(OrderStatusChangeRecord, [history(orderId)[0]]);
      scope.insertAtCommit(OrderLineRecord, lines(orderId));
      scope.insertAtCommit(OrderStatusChangeRecord, [history(orderId)[1]]);
      await scope.publish(OrderStatusChanged, { orderId, merchantId, from: null, to: 'UNPAID', reason: 'PLACED', actor: 'buyer:b', at: at.toISOString() });
      await scope.publish(OrderStatusChanged, { orderId, merchantId, from: 'UNPAID', to: 'WAITING_OUTBOUND', reason: null, actor: 'system', at: at.toISOString() });
      // Nothing is written before the commit.
      expect(issued).toEqual([]);
      expect(await query(`SELECT count(*)::int AS n FROM order_status_history WHERE order_id = $1`, [orderId])).toEqual([{ n: 0 }]);
    });
    restoreDriver();
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatch(/^WITH write_0 AS \(INSERT INTO "order_status_history"/);
    const stored = await readBack(orderId);
    expect(stored.history.map((change) => change.toStatus)).toEqual(['UNPAID', 'WAITING_OUTBOUND']);
    expect(stored.lines.map((line) => line.position)).toEqual([0, 1]);
    expect(stored.lines[1]).toMatchObject({ discount: 0, snapshot: null });
    const events = await dataSource.query(`SELECT envelope::jsonb -> 'payload' ->> 'to' AS "to" FROM outbox_event WHERE message_key = $1 ORDER BY id`, [orderId]);
    expect(events).toEqual([{ to: 'UNPAID' }, { to: 'WAITING_OUTBOUND' }]);
  });

  it('insertAtCommit rows that break a constraint fail the transaction, events and all', async () => {
    // No statement before the commit: its one write is the whole unit of work, with no BEGIN around it.
    const missingOrder = randomUUID();
    const unitOfWork = new UnitOfWork({ dataSource, registry: createEventRegistry(), producer: 'rows-test' });
    await expect(unitOfWork.run(async (scope) => {
      scope.insertAtCommit(OrderLineRecord, lines(missingOrder));
      await scope.publish(OrderStatusChanged, { orderId: missingOrder, merchantId, from: null, to: 'UNPAID', reason: 'PLACED', actor: 'buyer:b', at: at.toISOString() });
    })).rejects.toThrow(/foreign key/);
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM outbox_event WHERE message_key = $1`, [missingOrder])).toEqual([{ n: 0 }]);
  });

  /** Another transaction cannot take the order's row while the caller's transaction holds it. */
  const expectLockedElsewhere = async (orderId: string): Promise<void> => {
    const other = dataSource.createQueryRunner();
    try {
      await other.startTransaction();
      await expect(other.query(`SELECT id FROM customer_order WHERE id = $1 FOR UPDATE NOWAIT`, [orderId])).rejects.toThrow(/could not obtain lock/);
      await other.rollbackTransaction();
    } finally {
      await other.release();
    }
  };

  it('selectEntities reads what TypeORM find reads, in the asked order, locked when asked', async () => {
    const orderId = randomUUID();
    await dataSource.transaction(async (manager) => {
      await insertEntities(manager, OrderRecord, [order(orderId)]);
      // Inserted out of order: the read must sort them.
      await insertEntities(manager, OrderLineRecord, [...lines(orderId)].reverse());
      await insertEntities(manager, OrderStatusChangeRecord, history(orderId));
    });
    const manager = dataSource.manager;
    expect(await selectEntity(manager, OrderRecord, 'id = $1', [orderId])).toEqual(await manager.findOneOrFail(OrderRecord, { where: { id: orderId } }));
    const viaHelper = await selectEntities(manager, OrderLineRecord, 'order_id = $1', [orderId], { orderBy: 'position' });
    expect(viaHelper.map((line) => line.position)).toEqual([0, 1]);
    expect(viaHelper).toEqual(await manager.find(OrderLineRecord, { where: { orderId }, order: { position: 'ASC' } }));
    expect(await selectEntities(manager, OrderStatusChangeRecord, 'order_id = $1', [orderId], { orderBy: 'id' })).toEqual(await manager.find(OrderStatusChangeRecord, { where: { orderId }, order: { id: 'ASC' } }));
    await dataSource.transaction(async (locking) => {
      const locked = await selectEntity(locking, OrderRecord, 'id = $1', [orderId], { forUpdate: true });
      expect(locked?.id).toBe(orderId);
      await expectLockedElsewhere(orderId);
    });
  });

  it('selectEntityWith reads the entity selectEntity reads and, in the same statement, the named expressions beside it', async () => {
    const orderId = randomUUID();
    await dataSource.transaction(async (manager) => {
      await insertEntities(manager, OrderRecord, [order(orderId)]);
      await insertEntities(manager, OrderLineRecord, lines(orderId));
    });
    const manager = dataSource.manager;
    const read = await selectEntityWith<OrderRecord, { lineCount: number; firstSku: string | null }>(manager, OrderRecord, 'id = $1', [orderId, 0], {
      lineCount: '(SELECT count(*)::int FROM order_line l WHERE l.order_id = $1)',
      firstSku: '(SELECT l.sku_id FROM order_line l WHERE l.order_id = $1 AND l.position = $2)',
    });
    expect(read?.entity).toEqual(await selectEntity(manager, OrderRecord, 'id = $1', [orderId]));
    expect(read?.also).toEqual({ lineCount: 2, firstSku: lines(orderId)[0].skuId });
    expect(await selectEntityWith(manager, OrderRecord, 'id = $1', [randomUUID()], { lineCount: '(SELECT 1)' })).toBeNull();
    await dataSource.transaction(async (locking) => {
      expect((await selectEntityWith(locking, OrderRecord, 'id = $1', [orderId], { lineCount: '(SELECT 1)' }, { forUpdate: true }))?.entity.id).toBe(orderId);
      await expectLockedElsewhere(orderId);
    });
  });

  describe('prepared statements', () => {
    /** The named statements of the connection this transaction runs on (PostgreSQL's own view of its session). */
    const preparedOnConnection = (manager: DataSource['manager']): Promise<Array<{ name: string; statement: string; generic_plans: string }>> =>
      manager.query(`SELECT name, statement, generic_plans FROM pg_prepared_statements`);

    it('the hot-path texts are prepared once per connection and reused with a generic plan; other statements are not', async () => {
      const orderId = randomUUID();
      await dataSource.transaction((manager) => insertEntities(manager, OrderRecord, [order(orderId)]));
      await dataSource.transaction(async (manager) => {
        // PostgreSQL plans a prepared statement for its values five times, then settles on a generic plan.
        for (let i = 0; i < 7; i++) {
          const locked = await selectEntity(manager, OrderRecord, 'id = $1', [orderId], { forUpdate: true });
          if (!locked) throw new Error('the order is gone');
          locked.buyerNote = `note ${i}`;
          const update = lockedEntityUpdate(manager, OrderRecord, locked, new Date());
          await manager.query(update.sql, update.values);
        }
        await manager.query(`SELECT $1::int AS unmarked`, [1]);
        const onConnection = await preparedOnConnection(manager);
        const lock = onConnection.find((row) => /^SELECT .* FROM "customer_order" WHERE id = \$1 FOR UPDATE$/.test(row.statement));
        const update = onConnection.find((row) => /^UPDATE "customer_order" SET /.test(row.statement));
        expect(lock?.name).toBe(preparedStatementName(lock?.statement ?? ''));
        expect(lock?.name).toMatch(/^orderline_\d+$/);
        expect(Number(lock?.generic_plans)).toBeGreaterThan(0);
        expect(Number(update?.generic_plans)).toBeGreaterThan(0);
        expect(onConnection.some((row) => row.statement.includes('unmarked'))).toBe(false);
      });
      expect((await selectEntity(dataSource.manager, OrderRecord, 'id = $1', [orderId]))?.buyerNote).toBe('note 6');
    });

    it('with preparedStatements off (the embedded PGlite, a transaction-mode pooler) every statement goes unnamed', async () => {
      const unnamed = createServiceDataSource({ url, entities: ORDER_ENTITIES, migrations: ORDER_MIGRATIONS, preparedStatements: false });
      await unnamed.initialize();
      try {
        await unnamed.transaction(async (manager) => {
          await selectEntity(manager, OrderRecord, 'id = $1', [randomUUID()], { forUpdate: true });
          expect(await preparedOnConnection(manager)).toEqual([]);
        });
      } finally {
        await unnamed.destroy();
      }
    });
  });
  describe('pipelining (a transaction\'s BEGIN and its COMMIT travel with statements)', () => {
    type Flush = (chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void) => void;
    type Wire = {
      stream: {
        write: (chunk: Buffer, ...rest: unknown[]) => boolean;
        _writev: Flush;
        prependListener(event: 'data', listener: () => void): void;
      };
    };
    /** A message as the tap names it: `Q <text>` for a simple query, `bind` for an extended statement. */
    const messageOf = (chunk: Buffer): string | undefined => (chunk[0] === 0x51 ? `Q ${chunk.subarray(5, chunk.length - 1).toString()}` : chunk[0] === 0x42 ? 'bind' : undefined);
    /**
     * What the one pooled connection of `source` writes and reads, in order: `Q <text>` for a
     * simple query (BEGIN, COMMIT), `bind` for each extended statement, `in` for each answer read.
     * `flushes` lists the messages of each write that held several chunks (one system call).
     */
    async function tapWire(source: DataSource, flushes: string[][] = []): Promise<string[]> {
      const runner = source.createQueryRunner();
      await runner.connect();
      const client = (runner as unknown as { databaseConnection: { connection: Wire } }).databaseConnection;
      await runner.release();
      const wire: string[] = [];
      const stream = client.connection.stream;
      const write = stream.write.bind(stream);
      stream.write = (chunk: Buffer, ...rest: unknown[]) => {
        const message = messageOf(chunk);
        if (message) wire.push(message);
        return write(chunk, ...rest);
      };
      const flush = stream._writev.bind(stream);
      stream._writev = (chunks, callback) => {
        flushes.push(chunks.map(({ chunk }) => messageOf(chunk)).filter((message): message is string => message !== undefined));
        return flush(chunks, callback);
      };
      stream.prependListener('data', () => wire.push('in'));
      return wire;
    }
    const oneConnection = (pipelining: boolean): DataSource =>
      createServiceDataSource({ url, entities: ORDER_ENTITIES, migrations: ORDER_MIGRATIONS, poolSize: 1, pipelining });
    const placed = (orderId: string) => ({ orderId, merchantId, from: null, to: 'UNPAID' as const, reason: 'PLACED', actor: 'buyer:b', at: at.toISOString() });
    /** Runs `work` on a one-connection data source with pipelining and then without, an order stored in it. */
    async function inBothModes(work: (source: DataSource, pipelining: boolean, orderId: string) => Promise<void>): Promise<void> {
      for (const pipelining of [true, false]) {
        const source = await oneConnection(pipelining).initialize();
        try {
          const orderId = randomUUID();
          await source.transaction((manager) => insertEntities(manager, OrderRecord, [order(orderId)]));
          await work(source, pipelining, orderId);
        } finally {
          await source.destroy();
        }
      }
    }

    it('BEGIN goes out with the first statement and the last write with the COMMIT, each pair in one write, no answer awaited in between (and without pipelining, one is)', async () => {
      await inBothModes(async (source, pipelining, orderId) => {
        const flushes: string[][] = [];
        const wire = await tapWire(source, flushes);
        await new UnitOfWork({ dataSource: source, registry: createEventRegistry(), producer: 'rows-test' }).run(async (scope) => {
          await selectEntity(scope.manager, OrderRecord, 'id = $1', [orderId], { forUpdate: true });
          await scope.publish(OrderStatusChanged, placed(orderId));
        });
        const begin = wire.indexOf('Q START TRANSACTION');
        const commit = wire.indexOf('Q COMMIT');
        expect(wire.slice(begin, begin + 2)).toEqual(pipelining ? ['Q START TRANSACTION', 'bind'] : ['Q START TRANSACTION', 'in']);
        expect(wire.slice(commit - 1, commit + 1)).toEqual(pipelining ? ['bind', 'Q COMMIT'] : ['in', 'Q COMMIT']);
        // Pipelined, each pair leaves in one write (`PreparingClient.sendWithNext`): one system call, not two.
        const together = (messages: string[]) => flushes.some((flushed) => messages.every((message) => flushed.includes(message)));
        expect(together(['Q START TRANSACTION', 'bind'])).toBe(pipelining);
        expect(together(['bind', 'Q COMMIT'])).toBe(pipelining);
        expect(await source.query(`SELECT count(*)::int AS n FROM outbox_event WHERE message_key = $1`, [orderId])).toEqual([{ n: 1 }]);
      });
    });

    it('a BEGIN whose first statement comes late is written at the end of its turn, not held for it', async () => {
      const source = await oneConnection(true).initialize();
      try {
        const wire = await tapWire(source);
        await source.transaction(async (manager) => {
          // Something other than the database first: the BEGIN must not wait for the statement behind it.
          await new Promise((resolve) => setTimeout(resolve, 50));
          await manager.query(`SELECT 1 AS one`);
        });
        const begin = wire.indexOf('Q START TRANSACTION');
        expect(wire.slice(begin, begin + 3)).toEqual(['Q START TRANSACTION', 'in', 'Q SELECT 1 AS one']);
      } finally {
        await source.destroy();
      }
    });

    it('a write sent without waiting (sendWrite) leaves with the next statement, which reads what it wrote (and without pipelining, it is answered first)', async () => {
      await inBothModes(async (source, pipelining, orderId) => {
        const flushes: string[][] = [];
        const wire = await tapWire(source, flushes);
        const note = `sent without waiting (${pipelining})`;
        const read = await new UnitOfWork({ dataSource: source, registry: createEventRegistry(), producer: 'rows-test' }).run(async (scope) => {
          const locked = await selectEntity(scope.manager, OrderRecord, 'id = $1', [orderId], { forUpdate: true });
          if (!locked) throw new Error('the order is gone');
          locked.buyerNote = note;
          const sentAt = wire.length;
          await scope.sendWrite(lockedEntityUpdate(scope.manager, OrderRecord, locked, at));
          const afterWrite = await selectEntity(scope.manager, OrderRecord, 'id = $1', [orderId]);
          // The UPDATE and the read behind it: no answer awaited between them, except without pipelining.
          expect(wire.slice(sentAt, sentAt + 3)).toEqual(pipelining ? ['bind', 'bind', 'in'] : ['bind', 'in', 'bind']);
          await scope.publish(OrderStatusChanged, placed(orderId));
          return afterWrite;
        });
        expect(read?.buyerNote).toBe(note);
        expect(flushes.some((flushed) => flushed.filter((message) => message === 'bind').length === 2)).toBe(pipelining);
        const stored = await selectEntity(source.manager, OrderRecord, 'id = $1', [orderId]);
        expect(stored?.buyerNote).toBe(note);
        expect(stored?.updatedAt.toISOString()).toBe(at.toISOString());
      });
    });

    it('a write sent without waiting that fails fails its unit of work with its own error, not the refusals behind it; nothing is kept', async () => {
      await inBothModes(async (source, _pipelining, orderId) => {
        const unitOfWork = new UnitOfWork({ dataSource: source, registry: createEventRegistry(), producer: 'rows-test' });
        const missingOrder = randomUUID();
        // Followed by a read, which PostgreSQL refuses (the transaction is aborted) …
        await expect(unitOfWork.run(async (scope) => {
          await scope.sendWrite(insertStatement(scope.manager, OrderLineRecord, lines(missingOrder)));
          await selectEntity(scope.manager, OrderRecord, 'id = $1', [orderId], { forUpdate: true });
          await scope.publish(OrderStatusChanged, placed(orderId));
        })).rejects.toThrow(/foreign key/);
        // … or by the commit's write, refused the same way …
        await expect(unitOfWork.run(async (scope) => {
          await selectEntity(scope.manager, OrderRecord, 'id = $1', [orderId], { forUpdate: true });
          await scope.sendWrite(insertStatement(scope.manager, OrderLineRecord, lines(missingOrder)));
          await scope.publish(OrderStatusChanged, placed(orderId));
        })).rejects.toThrow(/foreign key/);
        // … or by the COMMIT alone, which PostgreSQL answers with a ROLLBACK and no error.
        await expect(unitOfWork.run(async (scope) => {
          await scope.sendWrite(insertStatement(scope.manager, OrderLineRecord, [...lines(orderId), ...lines(missingOrder)]));
        })).rejects.toThrow(/foreign key/);
        expect(await source.query(`SELECT count(*)::int AS n FROM order_line WHERE order_id = $1`, [orderId])).toEqual([{ n: 0 }]);
        expect(await source.query(`SELECT count(*)::int AS n FROM outbox_event WHERE message_key = $1`, [orderId])).toEqual([{ n: 0 }]);
        // The connection serves on.
        await unitOfWork.run(async (scope) => {
          await scope.sendWrite(insertStatement(scope.manager, OrderLineRecord, lines(orderId)));
          await scope.publish(OrderStatusChanged, placed(orderId));
        });
        expect(await source.query(`SELECT count(*)::int AS n FROM order_line WHERE order_id = $1`, [orderId])).toEqual([{ n: 2 }]);
        expect(await source.query(`SELECT count(*)::int AS n FROM outbox_event WHERE message_key = $1`, [orderId])).toEqual([{ n: 1 }]);
      });
    });

    it('a last write that fails is rolled back by the COMMIT behind it: its error is thrown, nothing is kept, the connection serves on', async () => {
      const source = await oneConnection(true).initialize();
      try {
        const unitOfWork = new UnitOfWork({ dataSource: source, registry: createEventRegistry(), producer: 'rows-test' });
        const missingOrder = randomUUID();
        await expect(unitOfWork.run(async (scope) => {
          scope.insertAtCommit(OrderLineRecord, lines(missingOrder));
          await scope.publish(OrderStatusChanged, placed(missingOrder));
        })).rejects.toThrow(/foreign key/);
        expect(await source.query(`SELECT count(*)::int AS n FROM outbox_event WHERE message_key = $1`, [missingOrder])).toEqual([{ n: 0 }]);
        // The first statement after a pipelined BEGIN fails on its own too, and rolls everything back.
        const orderId = randomUUID();
        await expect(unitOfWork.run(async (scope) => {
          await scope.manager.query(`SELECT 1 / 0 AS never`);
          await scope.publish(OrderStatusChanged, placed(orderId));
        })).rejects.toThrow(/division by zero/);
        await source.transaction((manager) => insertEntities(manager, OrderRecord, [order(orderId)]));
        await unitOfWork.run(async (scope) => {
          scope.insertAtCommit(OrderLineRecord, lines(orderId));
          await scope.publish(OrderStatusChanged, placed(orderId));
        });
        expect(await source.query(`SELECT count(*)::int AS n FROM outbox_event WHERE message_key = $1`, [orderId])).toEqual([{ n: 1 }]);
        expect(await source.query(`SELECT count(*)::int AS n FROM order_line WHERE order_id = $1`, [orderId])).toEqual([{ n: 2 }]);
      } finally {
        await source.destroy();
      }
    });
  });
});
