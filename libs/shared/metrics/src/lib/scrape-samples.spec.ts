import { familyValues as values } from './metrics-registry';
import { addSampleSource, renderMetrics, sampleAll } from './scrape-samples';

describe('scrape-time samples', () => {
  it('sets every sampled family from its source, one series set per service', async () => {
    const removeOrder = addSampleSource('order-service', 'runtime', async () => ({
      outbox: { backlog: 3, oldestUnpublishedAgeSeconds: 1.5, parked: 1 },
      pool: { total: 4, idle: 3, waiting: 0 },
      consumerLag: [{ group: 'order-service', topic: 'credit.v1', partition: 2, lag: 7 }],
    }));
    const removeExport = addSampleSource('export-service', 'export-queue', async () => ({ exportQueue: { queued: 2, running: 1 } }));
    const { body, contentType } = await renderMetrics();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toContain('orderline_outbox_backlog_rows{service="order-service"} 3');
    expect(body).toContain('orderline_outbox_oldest_unpublished_age_seconds{service="order-service"} 1.5');
    expect(body).toContain('orderline_outbox_parked_rows{service="order-service"} 1');
    expect(body).toContain('orderline_db_pool_connections{service="order-service",state="waiting"} 0');
    expect(body).toContain('orderline_consumer_lag_messages{service="order-service",group="order-service",topic="credit.v1",partition="2"} 7');
    expect(body).toContain('orderline_export_queue_depth{service="export-service",state="queued"} 2');
    expect(body).toContain('orderline_metrics_source_up{service="export-service",source="export-queue"} 1');
    removeOrder();
    removeExport();
  });

  it('drops the series of a removed source and reports a failing one as down', async () => {
    const remove = addSampleSource('logistics-service', 'runtime', async () => ({ outbox: { backlog: 1, oldestUnpublishedAgeSeconds: 0, parked: 0 } }));
    await sampleAll();
    expect((await values('orderline_outbox_backlog_rows')).some((v) => v.labels.service === 'logistics-service')).toBe(true);
    remove();
    const removeBroken = addSampleSource('logistics-service', 'runtime', () => Promise.reject(new Error('database down')));
    await sampleAll();
    expect((await values('orderline_outbox_backlog_rows')).some((v) => v.labels.service === 'logistics-service')).toBe(false);
    expect((await values('orderline_metrics_source_up')).find((v) => v.labels.service === 'logistics-service')?.value).toBe(0);
    removeBroken();
  });

  it('gives up on a source that hangs instead of hanging the scrape', async () => {
    const remove = addSampleSource('credit-billing-service', 'runtime', () => new Promise(() => undefined));
    await sampleAll(50);
    expect((await values('orderline_metrics_source_up')).find((v) => v.labels.service === 'credit-billing-service')?.value).toBe(0);
    remove();
  });

  it('lets concurrent scrapes share one sampling', async () => {
    let reads = 0;
    const remove = addSampleSource('after-sales-service', 'runtime', async () => (reads++, {}));
    await Promise.all([sampleAll(), sampleAll(), sampleAll()]);
    expect(reads).toBe(1);
    remove();
  });
});
