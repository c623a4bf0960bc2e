import { Column, CreateDateColumn, Entity, OneToMany, PrimaryColumn, UpdateDateColumn, ManyToOne, JoinColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { OrderStatus } from '@orderline/order/domain';
import type { CreditPlanType, PauseReason, PaymentMethod } from '@orderline/shared/platform-rules';
import type { FULFILMENT_KINDS, ORDER_KINDS, OrderCancellationReason, OrderCancelledBy, PauseReleaseView } from '@orderline/order/contract';
import { fenColumn } from '@orderline/shared/persistence';

export interface ServiceFeeRecord {
  feeType: string;
  amount: number;
  skuIds: string[];
}

/** A stored pause release is what the order view shows (who, when, with which data). */
export type PauseReleaseRecord = PauseReleaseView;

export interface AddressRecord {
  province: string;
  city: string;
  county: string;
  town?: string;
  detail: string;
}

@Entity('customer_order')
export class OrderRecord {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'merchant_id' }) merchantId: string;
  @Column('uuid', { name: 'buyer_id' }) buyerId: string;
  @Column('text') status: OrderStatus;
  @Column('text', { name: 'payment_method' }) paymentMethod: PaymentMethod;
  @Column('text', { name: 'credit_plan', nullable: true }) creditPlan: CreditPlanType | null;
  @Column('int', { name: 'credit_periods', nullable: true }) creditPeriods: number | null;
  @Column('uuid', { name: 'credit_hold_id', nullable: true }) creditHoldId: string | null;
  @Column(fenColumn({ name: 'goods_total' })) goodsTotal: number;
  @Column(fenColumn()) freight: number;
  @Column(fenColumn()) payable: number;
  /** The order-level discount of a coupon (domain.md §1.1a), already taken off `payable`. */
  @Column(fenColumn({ name: 'discount_total', default: 0 })) discountTotal: number;
  @Column('text', { name: 'coupon_code', nullable: true }) couponCode: string | null;
  @Column('text', { nullable: true }) fulfilment: (typeof FULFILMENT_KINDS)[number] | null;
  @Column('text', { name: 'buyer_note', nullable: true }) buyerNote: string | null;
  @Column('text', { name: 'consignee_name' }) consigneeName: string;
  @Column('text', { name: 'consignee_phone' }) consigneePhone: string;
  @Column('jsonb', { name: 'consignee_address' }) consigneeAddress: AddressRecord;
  // The API's code lists (order contract): a reason outside them does not compile.
  @Column('text', { name: 'cancel_reason', nullable: true }) cancelReason: OrderCancellationReason | null;
  @Column('text', { name: 'cancelled_by', nullable: true }) cancelledBy: OrderCancelledBy | null;
  /** The active pause of a PAUSED order (domain.md §1.5). */
  @Column('jsonb', { nullable: true }) pause: { reason: PauseReason; pausedAt: string; releaseAt?: string } | null;
  @Column('boolean', { name: 'specified_platform_delivery', default: false }) specifiedPlatformDelivery: boolean;
  @Column('jsonb', { name: 'special_attributes', default: () => "'{}'" }) specialAttributes: Record<string, unknown>;
  /** domain.md §1.8: set when the order first waits for outbound; warnings and time-outs run against it. */
  @Column('timestamptz', { name: 'promised_ship_by', nullable: true }) promisedShipBy: Date | null;
  /** domain.md §1.7: delivery-and-install fees per fee type, with the SKUs each applies to. */
  @Column('jsonb', { name: 'service_fees', default: () => "'[]'" }) serviceFees: ServiceFeeRecord[];
  /** What after-sales refunded so far (fen), summed from `RefundCompleted`. */
  @Column(fenColumn({ name: 'refunded_amount', default: 0 })) refundedAmount: number;
  /** The special kinds (domain.md §1.1) as a filterable column. */
  @Column('text', { array: true, default: () => "'{}'" }) kinds: (typeof ORDER_KINDS)[number][];
  /** Releases of past pauses with the data their owner attached (issue 12; shown on the order). */
  @Column('jsonb', { name: 'pause_releases', default: () => "'[]'::jsonb" }) pauseReleases: PauseReleaseRecord[];
  /** The carrier the order actually shipped with, learnt from logistics' ShipmentDispatched (domain.md §1.6). */
  @Column('text', { name: 'shipment_carrier', nullable: true }) shipmentCarrier: string | null;
  /** A subscription child order's parent (定期购). */
  @Column('uuid', { name: 'parent_order_id', nullable: true }) parentOrderId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @OneToMany(() => OrderLineRecord, (line) => line.order) lines: OrderLineRecord[];
}

@Entity('order_line')
export class OrderLineRecord {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'order_id' }) orderId: string;
  @ManyToOne(() => OrderRecord, (order) => order.lines) @JoinColumn({ name: 'order_id' }) order?: OrderRecord;
  @Column('int') position: number;
  @Column('text', { name: 'sku_id' }) skuId: string;
  @Column('text') title: string;
  @Column(fenColumn({ name: 'unit_price' })) unitPrice: number;
  @Column('int') quantity: number;
  @Column(fenColumn({ name: 'line_total' })) lineTotal: number;
  /** This line's share of the order-level discount (largest remainder, domain.md §3). */
  @Column(fenColumn({ default: 0 })) discount: number;
  /** The product snapshot (商品快照) taken from the catalog at placement. */
  @Column('jsonb', { nullable: true }) snapshot: { title: string; unitPrice: number; attributes: Record<string, string> } | null;
}

/** Every transition of an order: who, when, why, from, to (domain.md §1.2). */
@Entity('order_status_history')
export class OrderStatusChangeRecord {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('uuid', { name: 'order_id' }) orderId: string;
  @Column('text', { name: 'from_status', nullable: true }) fromStatus: OrderStatus | null;
  @Column('text', { name: 'to_status' }) toStatus: OrderStatus;
  @Column('text', { nullable: true }) reason: string | null;
  @Column('text') actor: string;
  @Column('timestamptz') at: Date;
}

export const ORDER_ENTITIES = [OrderRecord, OrderLineRecord, OrderStatusChangeRecord];
