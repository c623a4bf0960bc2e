import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { ConsumerContacts } from '../app/consumer-contacts';
import { GatewayConfig } from '../gateway-config';
import { RecordingSmsSender, SmsSender } from '../infra/sms-sender';
import { RequirePermission, RevealsPersonalData, Roles } from './auth.guard';
import { hasPermission, MerchantPermission } from '@orderline/gateway/domain';
import { DomainError } from '@orderline/shared/service-kit';

/** A verification serves one purpose; the sub-account needs the grant of what it unlocks (domain.md §6.2, §6.3). */
const GRANT_FOR_PURPOSE: Record<SmsVerificationRequest['purpose'], MerchantPermission> = { OTHER_CONTACTS: 'LOOKUP_OTHER_CONTACTS', EXTRA_VIRTUAL_NUMBERS: 'VIEW_ORDERS' };

function requireGrantFor(purpose: SmsVerificationRequest['purpose'], caller: Principal): void {
  const permission = GRANT_FOR_PURPOSE[purpose];
  if (permission && !hasPermission(caller.accountKind ?? 'SUB', caller.permissions ?? [], permission)) {
    throw new DomainError('PERMISSION_REQUIRED', 403, `this sub-account needs the ${permission} permission from its main account`, { permission });
  }
}
import { EXAMPLES } from './response-examples';
import { Caller } from './caller.decorator';
import { SmsQuery, SmsVerificationConfirmRequest, SmsVerificationRequest, VirtualNumberRequest } from './contacts.requests';
import { OtherContactsView, RecordedSmsView, SmsVerificationConfirmedView, SmsVerificationSentView, VirtualNumberView } from './gateway.views';
import { Answers, Operation } from './api-operation';

@ApiTags('merchant contact')
@ApiBearerAuth()
@Controller('merchant')
export class ConsumerContactsController {
  constructor(private readonly contacts: ConsumerContacts) {}

  /** Sends a 6-digit code to the calling account's phone (domain.md §6.2, §6.3). */
  @Operation('requestSmsVerification', 'Send an SMS verification code to the caller')
  @Roles('MERCHANT')
  @Post('sms-verifications')
  @Answers(201, SmsVerificationSentView, 'where the code went and until when it is valid')
  requestVerification(@Body() request: SmsVerificationRequest, @Caller() caller: Principal): Promise<SmsVerificationSentView> {
    requireGrantFor(request.purpose, caller);
    return this.contacts.requestVerification(caller, request.purpose);
  }

  /** Confirms the code; the verification holds until 00:00 platform time. */
  @Operation('confirmSmsVerification', 'Confirm an SMS verification code')
  @Roles('MERCHANT')
  @Post('sms-verifications/confirm')
  @HttpCode(200)
  @Answers(200, SmsVerificationConfirmedView, 'how long the verification holds')
  confirmVerification(@Body() request: SmsVerificationConfirmRequest, @Caller() caller: Principal): Promise<SmsVerificationConfirmedView> {
    requireGrantFor(request.purpose, caller);
    return this.contacts.confirmVerification(caller, request.purpose, request.code);
  }

  /** The buyer's other numbers when the consignee does not answer: SMS-verified, 50 orders a day per merchant. */
  @Operation('lookUpOtherContacts', 'Look up the buyer\'s other phone numbers')
  @Roles('MERCHANT')
  @RequirePermission('LOOKUP_OTHER_CONTACTS')
  @Answers(200, OtherContactsView, "the buyer's other numbers and today's look-ups", { orderId: '3f1c9a52-8a44-4d43-9a57-2b3a0f0f7e11', contacts: [{ kind: 'BUYER_REGISTERED_PHONE', phone: '13911112222' }], lookupsToday: 3, dailyLimit: 50 })
  @RevealsPersonalData()
  @Post('orders/:id/other-contacts')
  @HttpCode(200)
  otherContacts(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<OtherContactsView> {
    return this.contacts.lookUpOtherContacts(id, caller);
  }

  /** A virtual number (main number + extension) to reach the consignee, valid per domain.md §6.2. */
  @Operation('bindVirtualNumber', 'Get a virtual number to reach the consignee')
  @Roles('MERCHANT')
  @RequirePermission('VIEW_ORDERS')
  @Answers(200, VirtualNumberView, 'a main number and extension', EXAMPLES.virtualNumber)
  @Post('orders/:id/virtual-number')
  @HttpCode(200)
  virtualNumber(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: VirtualNumberRequest, @Caller() caller: Principal): Promise<VirtualNumberView> {
    return this.contacts.bindVirtualNumber(id, caller, request.kind ?? 'ORDER');
  }
}

/** `GET /admin/sms?phone=`: the messages the recording SMS adapter kept (TEST_CLOCK=1 only). */
@ApiTags('test clock')
@ApiBearerAuth()
@Controller('admin/sms')
export class AdminSmsController {
  constructor(
    private readonly sms: SmsSender,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Operation('listRecordedSms', 'List the SMS the recording adapter kept (test clock)')
  @Roles('OPERATOR')
  @Get()
  @Answers(200, [RecordedSmsView], 'the messages sent to the phone')
  list(@Query() query: SmsQuery): Promise<RecordedSmsView[]> {
    if (this.config.TEST_CLOCK !== '1' || !(this.sms instanceof RecordingSmsSender)) throw new NotFoundException('Cannot find this route');
    return this.sms.sentTo(query.phone);
  }
}
