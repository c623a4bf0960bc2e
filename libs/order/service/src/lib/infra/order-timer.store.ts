import { EntityManager } from 'typeorm';
import { TimerFailures } from '@orderline/shared/messaging';

/**
 * The order service's timers as `timer_failure` job names (one row per failing subject). Each
 * claim below takes ONE due subject, locked with SKIP LOCKED so several instances share the work,
 * and leaves out subjects in their failure backoff: a poisoned order is tried again later and
 * never stops the others (issue 12 item 6).
 */
export const UNPAID_EXPIRY_JOB = 'unpaid-expiry';
export const NEGOTIATED_AUTO_CANCEL_JOB = 'negotiated-auto-cancel';
export const TIMED_PAUSE_RELEASE_JOB = 'timed-pause-release';
export const SHIPPING_DEADLINE_JOB = 'shipping-deadline';

/** An unpaid online order placed before `placedBefore` (domain.md §1.2), oldest first. */
export async function claimNextUnpaidExpiry(manager: EntityManager, placedBefore: Date, now: Date): Promise<string | undefined> {
  const [row]: Array<{ id: string }> = await manager.query(
    `SELECT id FROM customer_order
      WHERE status = 'UNPAID' AND payment_method = 'ONLINE' AND created_at < $1 AND ${TimerFailures.notBackingOff(UNPAID_EXPIRY_JOB, 'customer_order.id', '$2')}
      ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    [placedBefore, now],
  );
  return row?.id;
}

export interface DueCancellationRequestRow {
  id: string;
  order_id: string;
  merchant_id: string;
  buyer_id: string;
  document: Record<string, any>;
}

/** A pending negotiated cancellation whose objection window has closed (domain.md §1.4). */
export async function claimNextDueCancellationRequest(manager: EntityManager, now: Date): Promise<DueCancellationRequestRow | undefined> {
  const [row]: DueCancellationRequestRow[] = await manager.query(
    `SELECT id, order_id, merchant_id, buyer_id, document FROM cancellation_request
      WHERE status = 'PENDING' AND objection_deadline <= $1 AND ${TimerFailures.notBackingOff(NEGOTIATED_AUTO_CANCEL_JOB, 'cancellation_request.id', '$1')}
      ORDER BY objection_deadline LIMIT 1 FOR UPDATE SKIP LOCKED`,
    [now],
  );
  return row;
}

/**
 * A paused order whose release instant has come, among the reasons the clock releases
 * (`TIMED_PAUSE_REASONS`, domain.md §1.5: reserved time, subscription date, fair date). Pauses
 * with other reasons are never due here, whatever `releaseAt` they carry.
 */
export async function claimNextDuePause(manager: EntityManager, timedReasons: readonly string[], now: Date): Promise<string | undefined> {
  const [row]: Array<{ id: string }> = await manager.query(
    `SELECT id FROM customer_order
      WHERE status = 'PAUSED' AND (pause ->> 'reason') = ANY($2::text[]) AND (pause ->> 'releaseAt')::timestamptz <= $1
        AND ${TimerFailures.notBackingOff(TIMED_PAUSE_RELEASE_JOB, 'customer_order.id', '$1')}
      ORDER BY (pause ->> 'releaseAt') LIMIT 1 FOR UPDATE SKIP LOCKED`,
    [now, timedReasons],
  );
  return row?.id;
}

export interface ShippingDeadlineRow {
  id: string;
  merchant_id: string;
  promised_ship_by: Date;
  shipping_warned_at: Date | null;
  reported_ship_by: Date | null;
}

/**
 * An order waiting for outbound that reached its warning window or passed its shipping promise
 * (domain.md §1.8) and has not been told so. WARNING covers [deadline − window, deadline];
 * TIMED_OUT starts strictly after the deadline.
 */
export async function claimNextShippingDeadline(manager: EntityManager, warnFrom: Date, now: Date): Promise<ShippingDeadlineRow | undefined> {
  const [row]: ShippingDeadlineRow[] = await manager.query(
    `SELECT o.id, o.merchant_id, o.promised_ship_by, o.shipping_warned_at, r.new_ship_by AS reported_ship_by
       FROM customer_order o LEFT JOIN late_shipping_report r ON r.order_id = o.id
      WHERE o.status IN ('WAITING_OUTBOUND', 'PAUSED') AND o.shipping_timed_out_at IS NULL AND o.promised_ship_by <= $1
        AND (o.shipping_warned_at IS NULL OR o.promised_ship_by < $2)
        AND ${TimerFailures.notBackingOff(SHIPPING_DEADLINE_JOB, 'o.id', '$2')}
      ORDER BY o.promised_ship_by LIMIT 1 FOR UPDATE OF o SKIP LOCKED`,
    [warnFrom, now],
  );
  return row;
}

export async function markShippingWarned(manager: EntityManager, orderId: string, at: Date): Promise<void> {
  await manager.query(`UPDATE customer_order SET shipping_warned_at = $2 WHERE id = $1`, [orderId, at]);
}

export async function markShippingTimedOut(manager: EntityManager, orderId: string, at: Date): Promise<void> {
  await manager.query(`UPDATE customer_order SET shipping_timed_out_at = $2 WHERE id = $1`, [orderId, at]);
}
