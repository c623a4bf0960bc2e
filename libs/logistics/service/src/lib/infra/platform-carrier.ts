import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { platformWaybillNo } from '@orderline/logistics/domain';

/**
 * The platform carrier (京东快递) as a port: it numbers electronic waybills and takes
 * interception requests (domain.md §2.1, §2.3). A real adapter calls the carrier's API; its
 * answers to interceptions come back through the signed carrier webhook either way.
 */
export abstract class PlatformCarrier {
  /** A new waybill number, unique across instances; called inside the outbound transaction. */
  abstract nextWaybillNo(manager: EntityManager): Promise<string>;
  /** Passes a merchant's interception request on to the carrier. */
  abstract requestInterception(waybillNo: string): Promise<void>;
  /** Sends a courier to collect a return parcel booked as a pickup (after-sales numbered its waybill). */
  abstract bookPickup(waybillNo: string): Promise<void>;
}

/** The default adapter: numbers from a database sequence; interception requests are accepted as sent. */
@Injectable()
export class SimulatedPlatformCarrier extends PlatformCarrier {
  async nextWaybillNo(manager: EntityManager): Promise<string> {
    const [{ seq }] = await manager.query(`SELECT nextval('platform_waybill_seq')::int8 AS seq`);
    return platformWaybillNo(Number(seq));
  }

  async requestInterception(): Promise<void> {
    // The simulated carrier answers later, as a carrier event (INTERCEPTED or INTERCEPT_FAILED).
  }

  async bookPickup(): Promise<void> {
    // The simulated courier's progress arrives as carrier events (PICKED_UP, IN_TRANSIT, DELIVERED).
  }
}
