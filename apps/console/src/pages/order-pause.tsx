import { Button, Card, DatePicker, Form, Input, Select, Table, Typography } from 'antd';
import { ApiSchema, call } from '../api';
import { useT } from '../i18n';
import { ProblemAlert } from '../problem-view';
import { useSession } from '../session';
import { useAction } from '../use-action';
import { formatTime } from '../time';

type Order = ApiSchema<'MerchantOrderView'>;
type PauseReason = ApiSchema<'PauseOrderRequest'>['reason'];
type Release = ApiSchema<'PauseReleaseView'>;
type ResumeForm = { reference?: string; number?: string; imageReference?: string; batchNumber?: string };

// The reasons of domain.md §1.5 in the order the spec lists them (the API's enum, which the
// generated client types; a reason the API adds is missing here until the page learns its words).
export const PAUSE_REASONS: readonly PauseReason[] = [
  'LOGISTICS_TRAFFIC_CONTROL', 'LOGISTICS_SMART_SCHEDULING', 'LOGISTICS_EPIDEMIC', 'LOGISTICS_WEATHER', 'LOGISTICS_PROMOTION_LOAD', 'LOGISTICS_ROAD_PROBLEM',
  'BEFORE_RESERVED_DELIVERY_TIME', 'GIFT_SHIPPED_LATER', 'OUT_OF_STOCK', 'OUT_OF_STOCK_IN_TRANSFER', 'OUT_OF_STOCK_CANNOT_ARRIVE', 'OUT_OF_STOCK_BACK_ORDER', 'SCHEDULING',
  'AWAITING_REAL_NAME_CHECK', 'AWAITING_CERTIFICATE', 'AWAITING_BATCH_NUMBER', 'WAITING_FOR_GROUP', 'SUBSCRIPTION_PERIOD_NOT_DUE', 'DEALER_ORDERING_FAIR',
];

// Reasons that end at a known instant: the pause must carry `releaseAt` (the service's timer releases it).
const TIMED: readonly PauseReason[] = ['BEFORE_RESERVED_DELIVERY_TIME', 'SUBSCRIPTION_PERIOD_NOT_DUE', 'DEALER_ORDERING_FAIR'];

// The releases a merchant owns (docs/who-may-do-what.md), by the reason each ends. The console may
// import only the API client, so the table is repeated here for the form; the gateway decides and
// refuses any other trigger with NOT_THE_FACT_OWNER, which the page shows as it comes.
const MERCHANT_RELEASES: Partial<Record<PauseReason, ApiSchema<'ResumeOrderRequest'>['trigger']>> = {
  BEFORE_RESERVED_DELIVERY_TIME: 'EARLY_RELEASE_REQUESTED',
  AWAITING_REAL_NAME_CHECK: 'REAL_NAME_APPROVED',
  AWAITING_CERTIFICATE: 'CERTIFICATE_UPLOADED',
  AWAITING_BATCH_NUMBER: 'BATCH_NUMBER_UPLOADED',
};

/** The data a release carried (evidence, certificate, batch number, real-name check), as one line. */
function releaseData(release: Release): string {
  const parts = [
    release.evidence && `${release.evidence.kind} ${release.evidence.reference}`,
    release.certificate && `${release.certificate.number} ${release.certificate.imageReference}`,
    release.batchNumber,
    release.realNameCheck && release.realNameCheck.reference,
  ];
  return parts.filter(Boolean).join(' · ') || '—';
}

/** The body of the release the merchant owns for `trigger`, with the data that trigger carries. */
function resumeBody(trigger: ApiSchema<'ResumeOrderRequest'>['trigger'], values: ResumeForm): ApiSchema<'ResumeOrderRequest'> {
  switch (trigger) {
    case 'EARLY_RELEASE_REQUESTED':
      return { trigger, evidence: { kind: 'BUYER_AGREEMENT', reference: values.reference ?? '' } };
    case 'REAL_NAME_APPROVED':
      return { trigger, realNameCheck: { reference: values.reference ?? '' } };
    case 'CERTIFICATE_UPLOADED':
      return { trigger, certificate: { number: values.number ?? '', imageReference: values.imageReference ?? '' } };
    default:
      return { trigger, batchNumber: values.batchNumber ?? '' };
  }
}

/**
 * 暂停 (domain.md §1.5) on the order detail: pause an order waiting for outbound with a reason,
 * release a paused one where the merchant owns the release (with the data it carries), and the
 * releases so far. Releases the platform or an operator owns are only named.
 */
export function OrderPauseCard({ order }: { order: Order }) {
  const t = useT();
  const { api } = useSession();
  const { error, act } = useAction();
  const [pauseForm] = Form.useForm<{ reason: PauseReason; releaseAt?: { toISOString(): string } }>();
  const reason = Form.useWatch('reason', pauseForm);
  const release = order.pause ? MERCHANT_RELEASES[order.pause.reason] : undefined;
  if (order.status !== 'WAITING_OUTBOUND' && order.status !== 'PAUSED' && order.pauseReleases.length === 0) return null;
  return (
    <Card title={t('pause')} size="small" style={{ marginTop: 16 }}>
      <ProblemAlert error={error} />
      {order.status === 'WAITING_OUTBOUND' && (
        <Form
          form={pauseForm}
          layout="inline"
          style={{ rowGap: 8 }}
          onFinish={(values) =>
            act(() => call(api.POST('/api/v1/merchant/orders/{id}/pause', { params: { path: { id: order.id } }, body: { reason: values.reason, ...(values.releaseAt ? { releaseAt: values.releaseAt.toISOString() } : {}) } })))
          }
        >
          {/* Not virtual: the 19 reasons are all rendered, so each can be found (and typed to) in the list. */}
          <Form.Item label={t('pauseReason')} name="reason" rules={[{ required: true }]}>
            <Select style={{ width: 280 }} virtual={false} options={PAUSE_REASONS.map((value) => ({ value, label: t(value) }))} />
          </Form.Item>
          {reason && TIMED.includes(reason) && (
            <Form.Item label={t('releaseAt')} name="releaseAt" rules={[{ required: true }]}>
              <DatePicker showTime aria-label={t('releaseAt')} />
            </Form.Item>
          )}
          <Button htmlType="submit">{t('pause')}</Button>
        </Form>
      )}
      {order.status === 'PAUSED' && order.pause && (
        <>
          <Typography.Paragraph data-testid="pause-reason">
            {t('pauseReason')}: {t(order.pause.reason)} · {formatTime(order.pause.pausedAt)}
            {order.pause.releaseAt ? ` · ${t('releaseAt')} ${formatTime(order.pause.releaseAt)}` : ''}
          </Typography.Paragraph>
          {release ? (
            <Form<ResumeForm> layout="inline" style={{ rowGap: 8 }} onFinish={(values) => act(() => call(api.POST('/api/v1/merchant/orders/{id}/resume', { params: { path: { id: order.id } }, body: resumeBody(release, values) })))}>
              {(release === 'EARLY_RELEASE_REQUESTED' || release === 'REAL_NAME_APPROVED') && (
                <Form.Item label={t(release === 'EARLY_RELEASE_REQUESTED' ? 'buyerAgreement' : 'realNameCheck')} name="reference" rules={[{ required: true }]}>
                  <Input />
                </Form.Item>
              )}
              {release === 'CERTIFICATE_UPLOADED' && (
                <>
                  <Form.Item label={t('certificateNumber')} name="number" rules={[{ required: true }]}>
                    <Input />
                  </Form.Item>
                  <Form.Item label={t('certificateImage')} name="imageReference" rules={[{ required: true }]}>
                    <Input />
                  </Form.Item>
                </>
              )}
              {release === 'BATCH_NUMBER_UPLOADED' && (
                <Form.Item label={t('batchNumber')} name="batchNumber" rules={[{ required: true }]}>
                  <Input />
                </Form.Item>
              )}
              <Button type="primary" htmlType="submit">
                {t(release)}
              </Button>
            </Form>
          ) : (
            <Typography.Text type="secondary">{t('releasedByOthers')}</Typography.Text>
          )}
        </>
      )}
      {order.pauseReleases.length > 0 && (
        <Table<Release>
          size="small"
          style={{ marginTop: 12 }}
          pagination={false}
          rowKey={(row) => `${row.at}-${row.trigger}`}
          dataSource={order.pauseReleases}
          data-testid="pause-releases"
          columns={[
            { title: t('pauseReason'), dataIndex: 'reason', render: (value: string) => t(value) },
            { title: t('releasedBy'), dataIndex: 'trigger', render: (value: string) => t(value) },
            { title: t('actor'), dataIndex: 'by' },
            { title: t('time'), dataIndex: 'at', render: (at: string) => formatTime(at) },
            { title: t('releaseData'), key: 'data', render: (_, row) => <span data-testid="release-data">{releaseData(row)}</span> },
          ]}
        />
      )}
    </Card>
  );
}
