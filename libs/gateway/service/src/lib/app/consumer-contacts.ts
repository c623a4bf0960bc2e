import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { OrderView } from '@orderline/order/contract';
import {
  maskPhone,
  nextPlatformMidnight,
  otherContactLookupVeto,
  platformDayOf,
  VirtualNumberKind,
  virtualNumberQuotaVeto,
  virtualNumberBindingStillValid,
  virtualNumberValidity,
} from '@orderline/gateway/domain';
import { isVeto } from '@orderline/shared/process';
import { Clock, DomainError, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { GatewayConfig } from '../gateway-config';
import { AccountRecord, BuyerRecord } from '../infra/gateway.entity';
import { ServiceClient } from '../infra/service-client';
import { SmsSender } from '../infra/sms-sender';
import { countWrongCode, lockVerification, markVerified, saveVerificationCode, verifiedUntilOf } from '../infra/sms-verification.repository';
import { lockLookupDay, ordersLookedUp, recordLookup } from '../infra/other-contact-lookup.repository';
import { bindingsOfDay, currentBinding, extensionsInUse, insertBinding, lockMerchantBindings, releaseBinding } from '../infra/virtual-number.repository';

export type VerificationPurpose = 'OTHER_CONTACTS' | 'EXTRA_VIRTUAL_NUMBERS';

const CODE_TTL_MS = 10 * 60_000;
const MAX_CODE_ATTEMPTS = 5;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * How a merchant reaches a buyer without seeing their number (domain.md §6.2, §6.3):
 * SMS verification of the merchant account, other-contact look-ups under a daily limit,
 * and virtual numbers (main number + extension) with their validity rules.
 */
@Injectable()
export class ConsumerContacts {
  private readonly mainNumbers: string[];

  constructor(
    private readonly dataSource: DataSource,
    private readonly services: ServiceClient,
    private readonly sms: SmsSender,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.mainNumbers = config.VIRTUAL_NUMBER_MAIN_NUMBERS.split(',');
  }

  private today(now: Date): string {
    return platformDayOf(now, this.config.PLATFORM_UTC_OFFSET_MINUTES);
  }

  async requestVerification(caller: Principal, purpose: VerificationPurpose): Promise<{ sentTo: string; codeExpiresAt: string }> {
    const account = await this.dataSource.getRepository(AccountRecord).findOneByOrFail({ id: caller.accountId });
    if (!account.phone) throw new DomainError('NO_PHONE_ON_ACCOUNT', 422, 'this account has no phone to verify');
    const now = this.clock.now();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
    await saveVerificationCode(this.dataSource.manager, caller.accountId, purpose, sha256(`${caller.accountId}:${code}`), expiresAt);
    await this.sms.send(account.phone, `Orderline verification code ${code} (${purpose === 'OTHER_CONTACTS' ? 'other contact numbers' : 'extra virtual numbers'}), valid 10 minutes.`, now);
    return { sentTo: maskPhone(account.phone), codeExpiresAt: expiresAt.toISOString() };
  }

  /** A confirmed code holds until 00:00 platform time (domain.md §6.3: once per account per day). */
  async confirmVerification(caller: Principal, purpose: VerificationPurpose, code: string): Promise<{ verifiedUntil: string }> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const row = await lockVerification(manager, caller.accountId, purpose);
      if (!row || row.code_expires_at < now) throw new DomainError('VERIFICATION_CODE_EXPIRED', 422, 'request a new verification code (POST /api/v1/merchant/sms-verifications)');
      if (row.attempts >= MAX_CODE_ATTEMPTS) throw new DomainError('VERIFICATION_ATTEMPTS_EXCEEDED', 429, 'too many wrong codes; request a new one');
      if (row.code_hash !== sha256(`${caller.accountId}:${code}`)) {
        await countWrongCode(manager, caller.accountId, purpose);
        throw new DomainError('VERIFICATION_CODE_WRONG', 422, 'the verification code is wrong');
      }
      const verifiedUntil = nextPlatformMidnight(now, this.config.PLATFORM_UTC_OFFSET_MINUTES);
      await markVerified(manager, caller.accountId, purpose, verifiedUntil, now);
      return { verifiedUntil: verifiedUntil.toISOString() };
    });
  }

  private async verified(manager: EntityManager, accountId: string, purpose: VerificationPurpose, now: Date): Promise<boolean> {
    const until = await verifiedUntilOf(manager, accountId, purpose);
    return Boolean(until && until > now);
  }

  async lookUpOtherContacts(orderId: string, caller: Principal): Promise<{ orderId: string; contacts: Array<{ kind: string; phone: string }>; lookupsToday: number; dailyLimit: number }> {
    const order = await this.services.call<OrderView>('order', 'GET', `/orders/${orderId}`, caller);
    const now = this.clock.now();
    const day = this.today(now);
    const dailyLimit = this.config.OTHER_CONTACTS_DAILY_ORDERS;
    const lookupsToday = await this.dataSource.transaction(async (manager) => {
      if (!(await this.verified(manager, caller.accountId, 'OTHER_CONTACTS', now))) {
        throw new DomainError('SMS_VERIFICATION_REQUIRED', 403, 'verify this account by SMS first (purpose OTHER_CONTACTS); a verification lasts until 00:00 platform time');
      }
      // One merchant's look-ups of a day take turns, so the limit holds across accounts.
      await lockLookupDay(manager, caller.merchantId, day);
      const seen = new Set(await ordersLookedUp(manager, caller.merchantId, day));
      const veto = otherContactLookupVeto(seen, orderId, dailyLimit);
      if (veto) throw new DomainError(veto.code, 429, veto.reason, { retryAfterSeconds: Math.ceil((nextPlatformMidnight(now, this.config.PLATFORM_UTC_OFFSET_MINUTES).getTime() - now.getTime()) / 1000) });
      await recordLookup(manager, { merchantId: caller.merchantId, day, orderId, accountId: caller.accountId, at: now });
      return seen.has(orderId) ? seen.size : seen.size + 1;
    });
    const buyer = await this.dataSource.getRepository(BuyerRecord).findOneBy({ id: order.buyerId });
    const contacts = buyer && buyer.phone !== order.consignee.phone ? [{ kind: 'BUYER_REGISTERED_PHONE', phone: buyer.phone }] : [];
    return { orderId, contacts, lookupsToday, dailyLimit };
  }

  async bindVirtualNumber(orderId: string, caller: Principal, kind: VirtualNumberKind) {
    const order = await this.services.call<OrderView>('order', 'GET', `/orders/${orderId}`, caller);
    const now = this.clock.now();
    const completed = order.history.find((change) => change.to === 'COMPLETED');
    const validity = virtualNumberValidity({ status: order.status, completedAt: completed ? new Date(completed.at) : undefined }, kind, now);
    if (isVeto(validity)) throw new DomainError(validity.code, 409, validity.reason);
    const phoneHash = sha256(order.consignee.phone);
    const day = this.today(now);

    const binding = await this.dataSource.transaction(async (manager) => {
      await lockMerchantBindings(manager, caller.merchantId);
      const current = await currentBinding(manager, orderId, kind, now);
      if (current && virtualNumberBindingStillValid({ consigneePhoneHash: current.consignee_phone_hash, expiresAt: current.expires_at }, phoneHash, order.status)) {
        return { mainNumber: current.main_number, extension: current.extension, expiresAt: current.expires_at, reused: true };
      }
      if (current) await releaseBinding(manager, current.id, now);

      const bound = await bindingsOfDay(manager, caller.merchantId, day);
      const veto = virtualNumberQuotaVeto(bound, await this.verified(manager, caller.accountId, 'EXTRA_VIRTUAL_NUMBERS', now), this.config.VIRTUAL_NUMBER_DAILY_BINDINGS);
      if (veto) throw new DomainError(veto.code, 429, veto.reason);

      const mainNumber = this.mainNumbers[parseInt(sha256(orderId).slice(0, 8), 16) % this.mainNumbers.length];
      const inUse = await extensionsInUse(manager, mainNumber, now);
      if (inUse.size >= 10_000) throw new DomainError('VIRTUAL_NUMBERS_EXHAUSTED', 503, 'no free extension on this main number; try again later');
      let extension: string;
      do extension = String(randomInt(0, 10_000)).padStart(4, '0');
      while (inUse.has(extension));
      await insertBinding(manager, { id: randomUUID(), merchantId: caller.merchantId, orderId, kind, consigneePhoneHash: phoneHash, mainNumber, extension, boundAt: now, day, expiresAt: validity.expiresAt });
      return { mainNumber, extension, expiresAt: validity.expiresAt, reused: false };
    });
    return {
      orderId,
      kind,
      mainNumber: binding.mainNumber,
      extension: binding.extension,
      validUntil: binding.expiresAt ? new Date(binding.expiresAt).toISOString() : 'ORDER_COMPLETION',
      howToCall: `dial ${binding.mainNumber}, then ${binding.extension}#`,
      howToText: `send "#${binding.extension}#your message" to ${binding.mainNumber}`,
      reused: binding.reused,
    };
  }
}
