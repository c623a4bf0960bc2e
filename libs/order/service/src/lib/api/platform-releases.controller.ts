import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { LiftLogisticsDisruptionRequest, LogisticsDisruptionLiftedView, StockArrivalRequest, StockArrivalView } from '@orderline/order/contract';
import { CurrentPrincipal, Principal } from '@orderline/shared/service-kit';
import { MerchantOperations } from '../app/merchant-operations';

/** Operator facts that release pauses (domain.md §1.5); the owner table allows operators only. */
@Controller('operations')
export class PlatformReleasesController {
  constructor(private readonly operations: MerchantOperations) {}

  @Post('logistics-disruptions/lift')
  @HttpCode(200)
  lift(@Body() request: LiftLogisticsDisruptionRequest, @CurrentPrincipal() caller: Principal): Promise<LogisticsDisruptionLiftedView> {
    return this.operations.liftLogisticsDisruption(request, caller);
  }

  @Post('stock-arrivals')
  @HttpCode(200)
  stockArrived(@Body() request: StockArrivalRequest, @CurrentPrincipal() caller: Principal): Promise<StockArrivalView> {
    return this.operations.stockArrived(request, caller);
  }
}
