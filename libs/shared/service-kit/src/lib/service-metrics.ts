import { DataSource } from 'typeorm';
import { addSampleSource, ServiceSample } from '@orderline/shared/metrics';
import { MessageTransport, OutboxRelay } from '@orderline/shared/messaging';

/** The parts of node-postgres' Pool the pool gauge reads (TypeORM keeps the pool as the driver's `master`). */
interface PgPoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

export function poolCountsOf(dataSource: DataSource): ServiceSample['pool'] {
  const pool = (dataSource.driver as unknown as { master?: Partial<PgPoolCounts> }).master;
  if (typeof pool?.totalCount !== 'number') return undefined;
  return { total: pool.totalCount, idle: pool.idleCount ?? 0, waiting: pool.waitingCount ?? 0 };
}

export interface ServiceMetricsSourceOptions {
  serviceName: string;
  dataSource: DataSource;
  relay: OutboxRelay;
  transport: MessageTransport;
  /** The service's consumer groups and the topics each reads (none: no lag series). */
  consumerGroups: () => ReadonlyArray<{ groupId: string; topics: string[] }>;
}

/**
 * A service's scrape-time metrics (docs/observability.md "Metrics"): its outbox, its pool and
 * its consumer groups' lag, read when Prometheus scrapes. Registered per service, so embedded
 * mode's single registry carries one set of series per service. Returns the unregister function.
 */
export function addServiceMetricsSource(options: ServiceMetricsSourceOptions): () => void {
  return addSampleSource(options.serviceName, 'runtime', async () => {
    const groups = options.consumerGroups();
    const [outbox, ...lags] = await Promise.all([options.relay.stats(), ...groups.map(({ groupId, topics }) => options.transport.consumerLag(groupId, topics))]);
    return {
      outbox,
      pool: poolCountsOf(options.dataSource),
      consumerLag: lags.flatMap((groupLags, index) => groupLags.map((lag) => ({ group: groups[index].groupId, ...lag }))),
    };
  });
}
