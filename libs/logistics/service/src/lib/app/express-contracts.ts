import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ShippingOptionsView } from '@orderline/logistics/contract';
import { PLATFORM_CARRIER, WAYBILL_FORMATS } from '@orderline/logistics/domain';
import { Clock, DomainError, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { LogisticsServiceConfig } from '../logistics-config';
import { expressContractSigned, saveExpressContract } from '../infra/express-contract.repository';

/** Which merchants signed for the platform carrier's express product (特快送, domain.md §2.1). */
@Injectable()
export class ExpressContracts {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: LogisticsServiceConfig,
  ) {}

  /**
   * What the outbound form offers this merchant (domain.md §2.1): the platform carrier with
   * STANDARD, plus EXPRESS only when signed (and then only to the air cities); the known
   * third-party carriers with their waybill format.
   */
  async shippingOptions(caller: Principal): Promise<ShippingOptionsView> {
    if (caller.role !== 'MERCHANT' || !caller.merchantId) throw new DomainError('FORBIDDEN', 403, 'shipping options are for merchants');
    const expressSigned = await expressContractSigned(this.dataSource.manager, caller.merchantId);
    return {
      platformCarrier: {
        code: PLATFORM_CARRIER,
        waybillNo: 'GENERATED',
        serviceProducts: [{ code: 'STANDARD' }, ...(expressSigned ? [{ code: 'EXPRESS' as const, destinationCities: this.config.airCities }] : [])],
      },
      thirdPartyCarriers: Object.entries(WAYBILL_FORMATS)
        .filter(([code]) => code !== PLATFORM_CARRIER)
        .map(([code, format]) => ({ code, waybillNo: 'ENTERED', example: format.example })),
    };
  }

  async set(merchantId: string, signed: boolean): Promise<{ merchantId: string; expressSigned: boolean }> {
    await saveExpressContract(this.dataSource.manager, merchantId, signed, this.clock.now());
    return { merchantId, expressSigned: signed };
  }
}
