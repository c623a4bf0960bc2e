import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, PLATFORM_CLOCK } from '@orderline/shared/service-kit';

/** Which merchants signed for the platform carrier's express product (特快送, domain.md §2.1). */
@Injectable()
export class ExpressContracts {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
  ) {}

  async set(merchantId: string, signed: boolean): Promise<{ merchantId: string; expressSigned: boolean }> {
    await this.dataSource.query(
      `INSERT INTO merchant_express_contract (merchant_id, signed, updated_at) VALUES ($1, $2, $3) ON CONFLICT (merchant_id) DO UPDATE SET signed = EXCLUDED.signed, updated_at = EXCLUDED.updated_at`,
      [merchantId, signed, this.clock.now()],
    );
    return { merchantId, expressSigned: signed };
  }
}
