import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { OutboxRelay, ParkedOutboxRow } from '@orderline/shared/messaging';
import { CurrentPrincipal, Principal } from './principal';
import { DomainError } from './problem';

/** What one service answers about its parked outbox rows. */
export interface OutboxParkingView {
  parked: ParkedOutboxRow[];
  /** Rows the relay can publish now (parked rows and the rows of their keys excluded). */
  backlog: number;
}

/**
 * Operators see and re-drive the outbox rows this service parked (issue 13 item 4); the
 * gateway's `/admin/outbox` fans out to every service.
 */
@Controller('admin/outbox')
export class OutboxAdminController {
  constructor(private readonly relay: OutboxRelay) {}

  @Get('parked')
  async parked(@CurrentPrincipal() caller: Principal): Promise<OutboxParkingView> {
    assertOperator(caller);
    return { parked: await this.relay.parked(), backlog: await this.relay.backlog() };
  }

  @Post('parked/redrive')
  @HttpCode(200)
  async redrive(@CurrentPrincipal() caller: Principal): Promise<{ redriven: number }> {
    assertOperator(caller);
    return { redriven: await this.relay.redriveParked() };
  }
}

function assertOperator(caller: Principal | undefined): void {
  if (caller?.role !== 'OPERATOR') throw new DomainError('FORBIDDEN', 403, 'only operators manage the outbox');
}
