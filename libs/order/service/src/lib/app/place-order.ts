import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { couponUsableAt, orderKinds, paymentTermsProblem, priceFromCatalog, SkuKinds, SpecialAttributes, subscriptionPlanProblem } from '@orderline/order/domain';
import { PlaceOrderRequest } from '@orderline/order/contract';
import { LocSignupSubmitted, OrderPlaced, sealPersonalData } from '@orderline/shared/contracts';
import type { LocSignupKind } from '@orderline/shared/platform-rules';
import { insertLocSignup } from '../infra/order-loc-signup.repository';
import { UnitOfWork } from '@orderline/shared/messaging';
import { BaseServiceConfig, Clock, DomainError, personalDataSecret, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { findCoupon, findPricingFacts, redeemCoupon, StoredCoupon, takeStock } from '../infra/catalog-store';
import { OrderLineRecord, OrderRecord } from '../infra/order.entity';
import { onReadyForOutbound } from './order-kind-rules';
import {recordCreation, transitionOrder } from './order-transitions';
import { lockOrder } from '../infra/order.repository';
import type { PlacedOrder } from './get-order';
import { insertEntities } from '@orderline/shared/persistence';
import { PlacementPacing } from './placement-pacing';

/**
 * The special kinds the rules look at (domain.md §1.1), as stored on the order: facts of the
 * goods from the SKUs, the buyer's own choices from the request (docs/catalog-and-pricing.md).
 */
function specialAttributesOf(request: PlaceOrderRequest, goods: SkuKinds): Record<string, unknown> {
  const attributes = request.attributes;
  const subscription = attributes?.subscription;
  return {
    ...(goods.crossBorder ? { crossBorder: { bonded: false } } : {}),
    ...(goods.customsAuction ? { customsAuction: { auctionId: 'unknown' } } : {}),
    ...(goods.reservation || attributes?.reservedDeliveryAt ? { reservation: attributes?.reservedDeliveryAt ? { reservedDeliveryAt: attributes.reservedDeliveryAt } : {} } : {}),
    ...(goods.presale ? { presale: {} } : {}),
    ...(attributes?.groupBuyId ? { groupBuy: { groupId: attributes.groupBuyId, formed: false } } : {}),
    // A sign-up is a local-service order like a voucher (redeemed in the shop, nothing ships) with a form.
    ...(goods.localServiceVoucher || signupKindOf(goods) ? { localServiceVoucher: {} } : {}),
    ...(signupKindOf(goods) ? { localServiceSignup: { kind: signupKindOf(goods) } } : {}),
    ...(attributes?.giftForOrderId ? { giftShippedLater: { mainOrderId: attributes.giftForOrderId } } : {}),
    ...(goods.simCard ? { simCard: { realNameApproved: false } } : {}),
    ...(goods.topUpGift ? { topUpGift: {} } : {}),
    ...(goods.customised ? { customised: {} } : {}),
    ...(subscription ? { subscription: { role: 'PARENT', periods: subscription.periods, intervalDays: subscription.intervalDays, firstProductionDate: subscription.firstProductionDate, childOrderIds: [] } } : {}),
  };
}

/** The LOC sign-up form the goods ask for, if any (SKU kinds drivingSchoolSignup / activitySignup). */
function signupKindOf(goods: SkuKinds): LocSignupKind | undefined {
  if (goods.drivingSchoolSignup) return 'DRIVING_SCHOOL';
  if (goods.activitySignup) return 'ACTIVITY';
  return undefined;
}

function isCalendarDate(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}

/** Kind combinations and inputs the rules cannot honour; refused before anything is stored. */
function kindProblem(request: PlaceOrderRequest, goods: SkuKinds): { code: string; detail: string } | undefined {
  const attributes = request.attributes;
  if (attributes?.subscription) {
    // Decision: 定期购 is paid up front online; COD collects per parcel and a credit hold is sized for one shipment.
    if (request.paymentMethod !== 'ONLINE') return { code: 'SUBSCRIPTION_NEEDS_ONLINE_PAYMENT', detail: 'a subscription order is paid up front online (paymentMethod ONLINE)' };
    const veto = subscriptionPlanProblem({ ...attributes.subscription, firstProductionDate: new Date(attributes.subscription.firstProductionDate) }, request.items);
    if (veto) return { code: veto.code, detail: veto.reason };
    // Decision: a coupon's discount is not split over subscription periods (docs/catalog-and-pricing.md).
    if (request.couponCode) return { code: 'COUPON_NOT_FOR_SUBSCRIPTION', detail: 'coupons cannot be applied to a subscription order' };
  }
  const signupKind = signupKindOf(goods);
  if (goods.drivingSchoolSignup && goods.activitySignup) return { code: 'SIGNUP_KINDS_CONFLICT', detail: 'a driving-school and an activity sign-up cannot be ordered together' };
  if (signupKind && request.items.length !== 1) return { code: 'SIGNUP_ONE_ITEM', detail: 'a LOC sign-up order holds the one sign-up SKU it is for' };
  if (request.signup && !isCalendarDate(request.signup.classDate)) return { code: 'SIGNUP_CLASS_DATE_INVALID', detail: `classDate ${request.signup.classDate} is not a date of the calendar` };
  if (signupKind && !request.signup) return { code: 'SIGNUP_FORM_REQUIRED', detail: 'a LOC sign-up order carries the sign-up form (signup: name, phone, idType, idNumber, classDate)' };
  if (!signupKind && request.signup) return { code: 'SIGNUP_FORM_NOT_EXPECTED', detail: 'only a LOC sign-up SKU (drivingSchoolSignup or activitySignup) takes a sign-up form' };
  if ((goods.localServiceVoucher || signupKind) && request.paymentMethod === 'COD') return { code: 'VOUCHER_NEEDS_PREPAYMENT', detail: 'a local-service voucher is paid before it is redeemed; cash on delivery is not possible' };
  const special = [attributes?.subscription, goods.localServiceVoucher || signupKind, attributes?.giftForOrderId, attributes?.groupBuyId].filter(Boolean).length;
  if (special > 1) return { code: 'ORDER_KINDS_CONFLICT', detail: 'subscription, local-service voucher, gift and group-buy orders cannot be combined in one order' };
  return undefined;
}

/**
 * A buyer places an order. It starts UNPAID (domain.md §1.2): a CREDIT order leaves UNPAID
 * when credit-billing grants the hold; `OrderPlaced` is written in the same transaction.
 */
@Injectable()
export class PlaceOrder {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: BaseServiceConfig,
    private readonly pacing: PlacementPacing,
  ) {}

  /** A coupon of this merchant that can be used now (domain.md §1.1a validity window, platform clock). */
  private async usableCoupon(manager: EntityManager, merchantId: string, code: string, at: Date): Promise<StoredCoupon> {
    const coupon = await findCoupon(manager, merchantId, code);
    if (!coupon) throw new DomainError('COUPON_NOT_FOUND', 422, `this merchant has no coupon ${code}`);
    if (!couponUsableAt(coupon, at)) throw new DomainError('COUPON_NOT_VALID_NOW', 422, `coupon ${code} is valid from ${coupon.validFrom.toISOString()} to ${coupon.validTo.toISOString()}`);
    return coupon;
  }

  async execute(request: PlaceOrderRequest, buyer: Principal): Promise<PlacedOrder> {
    if (buyer.role !== 'BUYER' || !buyer.buyerId) throw new DomainError('FORBIDDEN', 403, 'only buyers place orders');
    const termsProblem = paymentTermsProblem(request.paymentMethod, request.credit);
    if (termsProblem) throw new DomainError('INVALID_PAYMENT_TERMS', 422, termsProblem);
    // While credit decisions lag, placing more only lengthens the queue every buyer waits in.
    await this.pacing.pace();
    const orderId = randomUUID();
    const now = this.clock.now();
    // Load: committed facts of others (the merchant's catalog and coupon, a gift's main order),
    // read before the unit of work begins. Inside a READ COMMITTED transaction each of these
    // reads would see the same; outside it, an order that takes no stock and redeems no coupon
    // is written by one statement with no transaction around it (issue 19).
    const reader = this.unitOfWork.dataSource.manager;
    // domain.md §1.1a: the merchant prices every line, the freight and the service fees.
    const { catalog, freight } = await findPricingFacts(reader, request.merchantId, request.items.map((item) => item.skuId));
    const coupon = request.couponCode ? await this.usableCoupon(reader, request.merchantId, request.couponCode, now) : undefined;
    // Decide.
    const priced = priceFromCatalog(request.items, catalog, freight, coupon);
    if ('refused' in priced) throw new DomainError(priced.refused.code, 422, priced.refused.detail, priced.refused.skuId ? { skuId: priced.refused.skuId } : {});
    const price = priced;
    const kindRefusal = kindProblem(request, price.kinds);
    if (kindRefusal) throw new DomainError(kindRefusal.code, 422, kindRefusal.detail);
    if (request.paymentMethod === 'CREDIT' && price.payable === 0) throw new DomainError('INVALID_PAYMENT_TERMS', 422, 'a credit order must have something to pay');
    if (request.attributes?.giftForOrderId) {
      // 赠品后发: the gift belongs to an order of the same buyer and merchant.
      const main = await reader.getRepository(OrderRecord).findOne({ where: { id: request.attributes.giftForOrderId } });
      if (!main || main.buyerId !== buyer.buyerId || main.merchantId !== request.merchantId || main.status === 'CANCELLED') {
        throw new DomainError('GIFT_MAIN_ORDER_NOT_FOUND', 422, 'giftForOrderId must be a live order of the same buyer at the same merchant');
      }
    }
    const specialAttributes = specialAttributesOf(request, price.kinds);
    const lines = price.lines.map((line, position) => ({ id: randomUUID(), orderId, position, ...line }));
    // Every column given, none left to a database default: this object is the row as stored,
    // and the answer is built from it (no read after the commit).
    const order: OrderRecord = Object.assign(new OrderRecord(), {
      id: orderId,
      merchantId: request.merchantId,
      buyerId: buyer.buyerId!,
      // Every order is placed UNPAID (ADR 0002); a COD order moves on at once, below.
      status: 'UNPAID',
      paymentMethod: request.paymentMethod,
      creditPlan: request.credit?.plan ?? null,
      creditPeriods: request.credit?.periods ?? null,
      creditHoldId: null,
      goodsTotal: price.goodsTotal,
      freight: price.freight,
      payable: price.payable,
      discountTotal: price.discountTotal,
      couponCode: coupon?.code ?? null,
      fulfilment: request.fulfilment ?? null,
      buyerNote: request.buyerNote ?? null,
      consigneeName: request.consignee.name,
      consigneePhone: request.consignee.phone,
      consigneeAddress: { ...request.consignee.address },
      cancelReason: null,
      cancelledBy: null,
      pause: null,
      specifiedPlatformDelivery: request.specifiedPlatformDelivery ?? false,
      specialAttributes: specialAttributes as never,
      // domain.md §1.8: set by the move to WAITING_OUTBOUND (at once for COD, below).
      promisedShipBy: null,
      serviceFees: price.serviceFees,
      refundedAmount: 0,
      kinds: orderKinds(specialAttributes as SpecialAttributes),
      pauseReleases: [],
      shipmentCarrier: null,
      parentOrderId: null,
      createdAt: now,
      updatedAt: now,
    } satisfies Omit<OrderRecord, 'lines'>);
    const signupKind = signupKindOf(price.kinds);
    // Stock is taken of the SKUs the catalog read priced as tracked; an untracked SKU costs no
    // statement (issue 19).
    const tracked = request.items.filter((item) => catalog.get(item.skuId)?.stock !== null);
    // Save.
    const placed = await this.unitOfWork.run(async (scope): Promise<PlacedOrder> => {
      // The order's row goes with the commit's one statement (lines, history, events), unless a
      // statement before the commit refers to it: stock taken, a coupon redeemed, a sign-up form,
      // cash on delivery's move.
      if (tracked.length > 0 || coupon || signupKind || request.paymentMethod === 'COD') await insertEntities(scope.manager, OrderRecord, [order]);
      else scope.insertAtCommit(OrderRecord, [order]);
      // Nothing in this transaction reads the lines back: they are written at commit with its events.
      scope.insertAtCommit(OrderLineRecord, lines);
      // Stock and the coupon are taken in the order's own transaction: a refusal leaves nothing behind.
      const short = await takeStock(scope.manager, request.merchantId, orderId, tracked, now);
      if (short) throw new DomainError('OUT_OF_STOCK', 422, `not enough stock of SKU ${short} for this order`, { skuId: short });
      if (coupon) {
        const refusal = await redeemCoupon(scope.manager, coupon, buyer.buyerId!, orderId, now);
        if (refusal) throw new DomainError(refusal, 422, refusal === 'COUPON_ALREADY_USED' ? `coupon ${coupon.code} was already used by this buyer` : `coupon ${coupon.code} has none left`);
      }
      const created = await recordCreation(scope, { id: orderId, merchantId: request.merchantId, status: 'UNPAID' }, 'PLACED', `buyer:${buyer.buyerId}`, now);
      // domain.md §1.2: cash on delivery needs no payment step; it waits for outbound at once.
      const cashOnDelivery = request.paymentMethod === 'COD' ? await lockOrder(scope.manager, orderId) : null;
      if (cashOnDelivery) await transitionOrder(scope, cashOnDelivery, 'ACCEPT_COD', 'system', 'CASH_ON_DELIVERY', now);
      await scope.publish(OrderPlaced, {
        orderId,
        merchantId: request.merchantId,
        buyerId: buyer.buyerId!,
        paymentMethod: request.paymentMethod,
        payable: price.payable,
        freight: price.freight,
        credit: request.credit ? { plan: request.credit.plan, periods: request.credit.periods } : undefined,
        lines: lines.map((line) => ({ lineId: line.id, skuId: line.skuId, title: line.title, unitPrice: line.unitPrice, quantity: line.quantity, lineTotal: line.lineTotal, discount: line.discount })),
        // For logistics (waybill, merged shipments, §2.4 figures) and the export read model (§5):
        // they never read this database. The consignee travels sealed (personal data).
        consigneeSealed: sealPersonalData({ name: request.consignee.name, phone: request.consignee.phone, address: { ...request.consignee.address } }, personalDataSecret(this.config)),
        crossBorder: Boolean(price.kinds.crossBorder),
        specifiedPlatformDelivery: request.specifiedPlatformDelivery ?? false,
        goodsTotal: price.goodsTotal,
        discountTotal: price.discountTotal,
        kinds: orderKinds(specialAttributes as SpecialAttributes),
        fulfilment: request.fulfilment,
        buyerNote: request.buyerNote,
      });
      if (signupKind && request.signup) {
        // The form is personal data: sealed at rest and in the event, like the consignee (ADR 0004, 0013).
        const { classDate, ...form } = request.signup;
        const formSealed = sealPersonalData({ name: form.name, phone: form.phone, idType: form.idType, idNumber: form.idNumber }, personalDataSecret(this.config));
        const sku = price.lines[0];
        await insertLocSignup(scope.manager, { orderId, kind: signupKind, skuId: sku.skuId, classDate, formSealed, signedUpAt: now });
        await scope.publish(LocSignupSubmitted, { orderId, merchantId: request.merchantId, buyerId: buyer.buyerId!, kind: signupKind, skuId: sku.skuId, title: sku.title, classDate, formSealed, signedUpAt: now.toISOString() });
      }
      if (cashOnDelivery) {
        await onReadyForOutbound(scope, cashOnDelivery, now);
        // It moved on inside this transaction: the answer reads it back.
        return { orderId };
      }
      if (signupKind) return { orderId };
      return { orderId, written: { order, lines, history: [created] } };
    });
    if (request.paymentMethod === 'CREDIT') this.pacing.placed(orderId);
    return placed;
  }
}
