import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, List, Segmented, Space, Typography } from 'antd';
import { ApiProblem, ApiSchema, call } from '../api';
import { useT } from '../i18n';
import { ProblemAlert } from '../problem-view';
import { useSession } from '../session';
import { useAction } from '../use-action';
import { formatTime } from '../time';

type Order = ApiSchema<'MerchantOrderView'>;
type Purpose = ApiSchema<'SmsVerificationRequest'>['purpose'];

/**
 * The daily SMS check of domain.md §6.2/§6.3: a code goes to the signed-in account's phone and,
 * once confirmed, holds for that purpose until 00:00 platform time.
 */
function SmsVerificationForm({ purpose }: { purpose: Purpose }) {
  const t = useT();
  const { api } = useSession();
  const { error, act } = useAction(['sms-verification']);
  const [sent, setSent] = useState<ApiSchema<'SmsVerificationSentView'>>();
  const [verified, setVerified] = useState<string>();
  return (
    <div style={{ marginTop: 8 }}>
      <ProblemAlert error={error} />
      <Space wrap>
        <Button aria-label={`${t('sendSmsCode')} ${t(purpose)}`} onClick={() => act(async () => setSent(await call(api.POST('/api/v1/merchant/sms-verifications', { body: { purpose } }))))}>
          {t('sendSmsCode')}
        </Button>
        {sent && <span data-testid="sms-sent">{t('smsCodeSentTo')} {sent.sentTo}</span>}
      </Space>
      {sent && (
        <Form name={`sms-${purpose}`} layout="inline" style={{ marginTop: 8 }} onFinish={(values: { code: string }) => act(async () => setVerified((await call(api.POST('/api/v1/merchant/sms-verifications/confirm', { body: { purpose, code: values.code.trim() } }))).verifiedUntil))}>
          <Form.Item label={`${t('smsCode')} (${t(purpose)})`} name="code" rules={[{ required: true }]}>
            <Input style={{ width: 120 }} inputMode="numeric" />
          </Form.Item>
          <Button htmlType="submit">{t('confirmSmsCode')}</Button>
        </Form>
      )}
      {verified && <Alert role="status" type="success" style={{ marginTop: 8 }} title={<span data-testid="sms-verified">{t('verifiedUntil')} {formatTime(verified)}</span>} />}
    </div>
  );
}

/**
 * 联系收货人 on the order detail (domain.md §6.2, §6.3): a virtual number (main number +
 * extension) reaches the consignee without showing their phone, and the buyer's other numbers are
 * looked up after the daily SMS check. The gateway enforces the limits the card explains; a
 * refusal shows its code and message, and the SMS form is right there for the one that asks for it.
 */
export function OrderContactsCard({ order }: { order: Order }) {
  const t = useT();
  const { api } = useSession();
  // Contacts change no list the console caches: refresh nothing after them.
  const numberAction = useAction(['virtual-number']);
  const contactsAction = useAction(['other-contacts']);
  const [kind, setKind] = useState<'ORDER' | 'AFTER_SALES'>('ORDER');
  const [virtualNumber, setVirtualNumber] = useState<ApiSchema<'VirtualNumberView'>>();
  const [others, setOthers] = useState<ApiSchema<'OtherContactsView'>>();
  const short = order.id.slice(0, 8);
  return (
    <Card title={t('contactConsignee')} size="small" style={{ marginTop: 16 }}>
      <Typography.Paragraph type="secondary">{t('contactLimits')}</Typography.Paragraph>
      <Typography.Title level={5}>{t('virtualNumber')}</Typography.Title>
      <ProblemAlert error={numberAction.error} />
      <Space wrap>
        <Segmented aria-label={t('virtualNumberKind')} value={kind} onChange={(value) => setKind(value as 'ORDER' | 'AFTER_SALES')} options={(['ORDER', 'AFTER_SALES'] as const).map((value) => ({ value, label: t(`VN_${value}`) }))} />
        <Button type="primary" aria-label={`${t('getVirtualNumber')} ${short}`} onClick={() => numberAction.act(async () => setVirtualNumber(await call(api.POST('/api/v1/merchant/orders/{id}/virtual-number', { params: { path: { id: order.id } }, body: { kind } }))))}>
          {t('getVirtualNumber')}
        </Button>
      </Space>
      {virtualNumber && (
        <Descriptions size="small" column={2} style={{ marginTop: 8 }}>
          <Descriptions.Item label={t('virtualNumber')}>
            <span data-testid="virtual-number">
              {virtualNumber.mainNumber} ‑ {virtualNumber.extension}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('validUntil')}>{virtualNumber.validUntil === 'ORDER_COMPLETION' ? t('untilCompletion') : formatTime(virtualNumber.validUntil)}</Descriptions.Item>
          <Descriptions.Item label={t('howToCall')}>{virtualNumber.howToCall}</Descriptions.Item>
          <Descriptions.Item label={t('howToText')}>{virtualNumber.howToText}</Descriptions.Item>
        </Descriptions>
      )}
      {numberAction.error instanceof ApiProblem && numberAction.error.code === 'VIRTUAL_NUMBER_LIMIT_REACHED' && <SmsVerificationForm purpose="EXTRA_VIRTUAL_NUMBERS" />}
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('otherContacts')}
      </Typography.Title>
      <ProblemAlert error={contactsAction.error} />
      <Button aria-label={`${t('lookUpOtherContacts')} ${short}`} onClick={() => contactsAction.act(async () => setOthers(await call(api.POST('/api/v1/merchant/orders/{id}/other-contacts', { params: { path: { id: order.id } } }))))}>
        {t('lookUpOtherContacts')}
      </Button>
      {others && (
        <List
          size="small"
          style={{ marginTop: 8 }}
          header={<span data-testid="other-contacts-count">{t('lookupsToday')} {others.lookupsToday}/{others.dailyLimit}</span>}
          dataSource={others.contacts}
          locale={{ emptyText: t('noOtherContacts') }}
          renderItem={(contact) => (
            <List.Item data-testid="other-contact">
              {contact.kind}: {contact.phone}
            </List.Item>
          )}
        />
      )}
      <SmsVerificationForm purpose="OTHER_CONTACTS" />
    </Card>
  );
}
