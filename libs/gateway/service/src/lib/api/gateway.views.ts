import { MERCHANT_PERMISSIONS } from '@orderline/gateway/domain';
import { ApiCode, ApiCodes, ApiFen, ApiFlag, ApiInteger, ApiMap, ApiText, ApiTexts, ApiTimestamp, ApiUuid, ApiView } from '@orderline/shared/contracts';

/**
 * What the gateway itself answers (accounts, carriers, consumer contact, operations): the
 * TypeScript its use cases return and the OpenAPI schemas (docs/api.md).
 */

export class AccessTokenView {
  @ApiText() accessToken: string;
  @ApiCode(['Bearer']) tokenType: 'Bearer';
  @ApiInteger({ minimum: 1, description: 'seconds' }) expiresIn: number;
}

/** Who the bearer of a token is and what it may do, so a client shows only what the gateway would allow. */
export class CallerView {
  @ApiUuid() accountId: string;
  @ApiCode(['OPERATOR', 'MERCHANT', 'BUYER']) role: 'OPERATOR' | 'MERCHANT' | 'BUYER';
  @ApiUuid({ optional: true }) merchantId?: string;
  @ApiUuid({ optional: true }) buyerId?: string;
  @ApiCode(['MAIN', 'SUB'], { optional: true, description: 'merchant accounts: the main account or a sub-account' }) accountKind?: 'MAIN' | 'SUB';
  @ApiCodes(MERCHANT_PERMISSIONS, { description: 'what a merchant account may do: every permission for the main account, its grants for a sub-account; empty for other roles' })
  permissions: (typeof MERCHANT_PERMISSIONS)[number][];
}

export class AccountRefView {
  @ApiUuid() id: string;
  @ApiText() username: string;
}

export class MerchantCreatedView {
  @ApiUuid() id: string;
  @ApiText() name: string;
  @ApiView(AccountRefView) mainAccount: AccountRefView;
}

export class BuyerCreatedView {
  @ApiUuid() id: string;
  @ApiText() username: string;
  @ApiUuid() creditAccountId: string;
  @ApiFen() creditLimit: number;
}

export class AccountStatusView {
  @ApiUuid() id: string;
  @ApiFlag() disabled: boolean;
}

export class SubAccountView {
  @ApiUuid() id: string;
  @ApiText() username: string;
  @ApiCodes(MERCHANT_PERMISSIONS) permissions: (typeof MERCHANT_PERMISSIONS)[number][];
  @ApiFlag() disabled: boolean;
}

export class RevealLogEntryView {
  @ApiUuid() accountId: string;
  @ApiUuid() orderId: string;
  @ApiTexts({ description: 'name, phone, address' }) fields: string[];
  @ApiTimestamp() revealedAt: string;
}

export class CarrierView {
  @ApiUuid() id: string;
  @ApiText() code: string;
  @ApiText() name: string;
  @ApiFlag() disabled: boolean;
  @ApiTimestamp() secretRotatedAt: string;
}

export class CarrierWithSecretView extends CarrierView {
  @ApiText({ description: 'the HMAC secret of its webhook; shown this once' }) webhookSecret: string;
}

export class SmsVerificationSentView {
  @ApiText({ description: 'the masked phone the code went to' }) sentTo: string;
  @ApiTimestamp() codeExpiresAt: string;
}

export class SmsVerificationConfirmedView {
  @ApiTimestamp({ description: 'the verification holds until 00:00 platform time' }) verifiedUntil: string;
}

export class OtherContactView {
  @ApiText() kind: string;
  @ApiText() phone: string;
}

export class OtherContactsView {
  @ApiUuid() orderId: string;
  @ApiView([OtherContactView]) contacts: OtherContactView[];
  @ApiInteger({ minimum: 0 }) lookupsToday: number;
  @ApiInteger({ minimum: 1 }) dailyLimit: number;
}

export const VIRTUAL_NUMBER_KINDS = ['ORDER', 'AFTER_SALES'] as const;

export class VirtualNumberView {
  @ApiUuid() orderId: string;
  @ApiCode(VIRTUAL_NUMBER_KINDS) kind: (typeof VIRTUAL_NUMBER_KINDS)[number];
  @ApiText() mainNumber: string;
  @ApiText() extension: string;
  @ApiText({ description: 'an instant (ISO-8601), or ORDER_COMPLETION' }) validUntil: string;
  @ApiText() howToCall: string;
  @ApiText() howToText: string;
  @ApiFlag({ description: 'the binding already existed' }) reused: boolean;
}

export class RecordedSmsView {
  @ApiText() phone: string;
  @ApiText() body: string;
  @ApiTimestamp() sentAt: string;
}

export class PlatformClockView {
  @ApiTimestamp() now: string;
  @ApiInteger({ description: 'ms the platform clock is ahead of real time' }) offsetMs: number;
  @ApiMap('string', { description: 'each service and its clock (ISO-8601)' }) services: Record<string, string>;
}

export class ParkedOutboxRowView {
  @ApiText() id: string;
  @ApiUuid() eventId: string;
  @ApiText() eventType: string;
  @ApiText() topic: string;
  @ApiText() key: string;
  @ApiInteger({ minimum: 0 }) attempts: number;
  @ApiText({ nullable: true }) lastError: string | null;
  @ApiTimestamp() parkedAt: string;
}

export class ServiceOutboxParkingView {
  @ApiView([ParkedOutboxRowView]) parked: ParkedOutboxRowView[];
  @ApiInteger({ minimum: 0, description: 'rows the relay can publish now' }) backlog: number;
}

export class OutboxRedriveView {
  @ApiMap('integer', { description: 'rows re-driven per service (and the gateway)' }) redriven: Record<string, number>;
}

export class DeadLetterCoordinatesView {
  @ApiText() topic: string;
  @ApiInteger({ minimum: 0 }) partition: number;
  @ApiText() offset: string;
}

/** One event a consumer group dead-lettered (docs/refund-loop-and-catch-up.md). */
export class DeadLetterRowView {
  @ApiText() id: string;
  @ApiText({ nullable: true, description: 'the envelope\'s event id (null when the message was not a readable envelope)' }) eventId: string | null;
  @ApiText({ nullable: true }) eventType: string | null;
  @ApiText() key: string;
  @ApiText() originalTopic: string;
  @ApiInteger({ minimum: 0, nullable: true }) originalPartition: number | null;
  @ApiText({ nullable: true }) originalOffset: string | null;
  @ApiText({ nullable: true }) error: string | null;
  @ApiInteger({ minimum: 0, nullable: true }) attempts: number | null;
  @ApiTimestamp({ nullable: true }) failedAt: string | null;
  @ApiText() consumerGroup: string;
  @ApiView(DeadLetterCoordinatesView) dlq: DeadLetterCoordinatesView;
  @ApiTimestamp({ nullable: true, description: 'when an operator re-drove it (null: waiting)' }) redrivenAt: string | null;
}

export class ServiceDeadLettersView {
  @ApiText() consumerGroup: string;
  @ApiView([DeadLetterRowView]) deadLetters: DeadLetterRowView[];
}

export class ExportLockView {
  @ApiUuid() merchantId: string;
  @ApiFlag() exportLocked: boolean;
  @ApiText({ nullable: true }) reason: string | null;
}

export class ExportPasswordSentView {
  @ApiUuid() taskId: string;
  @ApiText({ description: 'the masked phone the password went to' }) sentTo: string;
  @ApiInteger({ minimum: 0 }) sendsToday: number;
  @ApiInteger({ minimum: 1 }) dailyLimit: number;
}

export class HealthView {
  @ApiCode(['ok', 'unavailable']) status: 'ok' | 'unavailable';
  @ApiText() service: string;
  @ApiMap('string', { description: 'what readiness depends on: database, eventBus, consumer (up or down)' }) checks: Record<string, string>;
  @ApiMap('string', { description: 'each service\'s readiness, reported without failing the gateway\'s: up or down' }) downstream: Record<string, string>;
}

export class LivenessView {
  @ApiCode(['ok']) status: 'ok';
}
