import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The SMS port (architecture.md): a real gateway plugs in behind it. */
export abstract class SmsSender {
  abstract send(phone: string, body: string, at: Date): Promise<void>;
}

/** Default adapter: records every message (queryable at GET /admin/sms with TEST_CLOCK=1). */
@Injectable()
export class RecordingSmsSender extends SmsSender {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async send(phone: string, body: string, at: Date): Promise<void> {
    await this.dataSource.query(`INSERT INTO sms_message (phone, body, sent_at) VALUES ($1, $2, $3)`, [phone, body, at]);
  }

  async sentTo(phone: string): Promise<Array<{ phone: string; body: string; sentAt: string }>> {
    const rows = await this.dataSource.query(`SELECT phone, body, sent_at FROM sms_message WHERE phone = $1 ORDER BY id`, [phone]);
    return rows.map((row: { phone: string; body: string; sent_at: Date }) => ({ phone: row.phone, body: row.body, sentAt: row.sent_at.toISOString() }));
  }
}
