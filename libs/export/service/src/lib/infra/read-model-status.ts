import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { Topics } from '@orderline/shared/contracts';
import { SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { ExportServiceConfig } from '../export-service-config';
import { EXPORT_EMBEDDED } from './tokens';

export const EXPORT_SERVICE_NAME = 'export-service';

/** The consumer group of this database's read model: a fresh database gets a fresh group, which replays every topic. */
export async function readModelGroupId(dataSource: DataSource): Promise<string> {
  const [row] = await dataSource.query(`SELECT generation FROM export_read_model WHERE id = 1`);
  return `${EXPORT_SERVICE_NAME}.rm-${row.generation}`;
}

/** The topics the read model is built from. */
export const READ_MODEL_TOPICS = [Topics.orders, Topics.logistics, Topics.afterSales];

/**
 * How far behind the read model is: the events still to apply on each topic (committed
 * consumer offsets against the partitions' ends), and the time of the last applied event.
 */
@Injectable()
export class ReadModelStatus implements OnApplicationShutdown {
  private admin?: Admin;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ExportServiceConfig,
    @Inject(EXPORT_EMBEDDED) private readonly embedded: boolean,
  ) {}

  private async kafkaAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = new Kafka({ clientId: `${EXPORT_SERVICE_NAME}-status`, brokers: this.config.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, connectionTimeout: 3_000, retry: { retries: 2 } }).admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  async status(): Promise<{
    consumerGroup: string;
    behindEvents: number | null;
    topics: Array<{ topic: string; behindEvents: number }>;
    lastAppliedAt: string | null;
    appliedEvents: number;
    rows: Record<string, number>;
  }> {
    const group = await readModelGroupId(this.dataSource);
    const [inbox] = await this.dataSource.query(`SELECT count(*)::int AS applied, max(processed_at) AS last FROM inbox_message WHERE consumer_group = $1`, [group]);
    const [counts] = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM export_order)::int AS orders, (SELECT count(*) FROM export_order_line)::int AS lines, (SELECT count(*) FROM export_shipment)::int AS shipments, (SELECT count(*) FROM export_refund)::int AS refunds`,
    );
    let topics: Array<{ topic: string; behindEvents: number }> = [];
    let behindEvents: number | null = null;
    try {
      // Embedded mode: the in-process bus delivers synchronously enough; no broker to ask.
      if (this.embedded) throw new Error('no broker');
      const admin = await this.kafkaAdmin();
      const prefix = this.config.KAFKA_TOPIC_PREFIX;
      const committed = await admin.fetchOffsets({ groupId: prefix + group, topics: READ_MODEL_TOPICS.map((topic) => prefix + topic) });
      topics = await Promise.all(
        READ_MODEL_TOPICS.map(async (topic) => {
          const ends = await admin.fetchTopicOffsets(prefix + topic);
          const positions = committed.find((entry) => entry.topic === prefix + topic)?.partitions ?? [];
          const behind = ends.reduce((sum, end) => {
            const position = Number(positions.find((p) => p.partition === end.partition)?.offset ?? '-1');
            return sum + Math.max(0, Number(end.high) - (position < 0 ? Number(end.low) : position));
          }, 0);
          return { topic, behindEvents: behind };
        }),
      );
      behindEvents = topics.reduce((sum, topic) => sum + topic.behindEvents, 0);
    } catch {
      behindEvents = null;
    }
    return { consumerGroup: group, behindEvents, topics, lastAppliedAt: inbox.last ? new Date(inbox.last).toISOString() : null, appliedEvents: inbox.applied, rows: counts };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }
}
