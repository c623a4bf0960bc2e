import { EventSignupForm, LocSignupSubmitted, openPersonalData } from '@orderline/shared/contracts';
import { onEvent } from '@orderline/shared/messaging';
import { ExportReadModel } from '../../infra/read-model.repository';

/**
 * The rows of the LOC sign-up exports (Loc 驾校报名 / 活动报名, encrypted, domain.md §5): the form
 * opened with the personal-data key like the consignee; masking happens when a file is written.
 */
export const locSignupSubmitted = (personalDataSecret: readonly string[]) =>
  onEvent(LocSignupSubmitted, async (event, scope) => {
    const p = event.payload;
    const form = openPersonalData<EventSignupForm>(p.formSealed, personalDataSecret);
    await new ExportReadModel(scope).insertLocSignup({
      orderId: p.orderId,
      merchantId: p.merchantId,
      kind: p.kind,
      skuId: p.skuId,
      title: p.title,
      name: form?.name ?? null,
      phone: form?.phone ?? null,
      idType: form?.idType ?? null,
      idNumber: form?.idNumber ?? null,
      classDate: p.classDate,
      signedUpAt: p.signedUpAt ?? event.occurredAt,
    });
  });
