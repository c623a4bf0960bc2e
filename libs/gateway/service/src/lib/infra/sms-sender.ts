import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * The SMS port (architecture.md): a real gateway plugs in behind it. `within` is the caller's
 * transaction when there is one (an event handler's): the message is recorded with it, so a
 * redelivered event texts once, and no second connection is asked for while the first is held
 * (embedded mode has one per database; waiting for a second stalled the consumer for good).
 */
export abstract class SmsSender {
  abstract send(phone: string, body: string, at: Date, within?: EntityManager): Promise<void>;
}

/** Default adapter: records every message (queryable at GET /admin/sms with TEST_CLOCK=1). */
@Injectable()
export class RecordingSmsSender extends SmsSender {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async send(phone: string, body: string, at: Date, within?: EntityManager): Promise<void> {
    await (within ?? this.dataSource.manager).query(`INSERT INTO sms_message (phone, body, sent_at) VALUES ($1, $2, $3)`, [phone, body, at]);
  }

  async sentTo(phone: string): Promise<Array<{ phone: string; body: string; sentAt: string }>> {
    const rows = await this.dataSource.query(`SELECT phone, body, sent_at FROM sms_message WHERE phone = $1 ORDER BY id`, [phone]);
    return rows.map((row: { phone: string; body: string; sent_at: Date }) => ({ phone: row.phone, body: row.body, sentAt: row.sent_at.toISOString() }));
  }
}
