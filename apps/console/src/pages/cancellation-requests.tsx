import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Descriptions, Form, Input, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { ApiSchema, call } from '../api';
import { useT } from '../i18n';
import { ProblemAlert } from '../problem-view';
import { navigate } from '../router';
import { OrderLink, PageLink } from '../page-link';
import { useSession } from '../session';
import { useAction } from '../use-action';
import { formatTime } from '../time';

type Request = ApiSchema<'CancellationRequestView'>;
type Reason = ApiSchema<'CancellationRequestRequest'>['reason'];
type Order = ApiSchema<'MerchantOrderView'>;
type ApplyForm = { reason: Reason; callAttempts?: Array<{ toISOString(): string } | null | undefined>; note?: string };

// The reasons and statuses of domain.md §1.4 as the API's enums (the generated client types them).
const REASONS: readonly Reason[] = ['OUT_OF_STOCK_OVERSOLD_OR_DEFECTIVE', 'BUYER_REFUSED_COD_DELIVERY', 'BUYER_UNREACHABLE', 'BREAKS_PURCHASE_RULES_OR_UNDELIVERABLE', 'BUYER_ASKED_TO_CANCEL'];
const STATUSES: readonly Request['status'][] = ['PENDING', 'REJECTED', 'WITHDRAWN', 'AUTO_CANCELLED'];
// Cancellation happens only before shipment (domain.md §1.2); the order service decides.
const PRE_SHIPMENT = ['UNPAID', 'WAITING_OUTBOUND', 'PAUSED'];

const short = (id: string) => id.slice(0, 8);
const when = (at: string | null) => (at ? formatTime(at) : '—');

/** The request's id from a link the API gives (`…/cancellation-requests/{id}`). */
export function cancellationRequestIdOf(link: string): string {
  return link.replace(/\/+$/, '').split('/').pop() ?? link;
}

function RequestLink({ id }: { id: string }) {
  return (
    <PageLink path={`/cancellation-requests/${id}`} testId="cancellation-request-link">
      {short(id)}
    </PageLink>
  );
}

function StatusTag({ status }: { status: Request['status'] }) {
  const t = useT();
  const colour = status === 'PENDING' ? 'blue' : status === 'AUTO_CANCELLED' ? 'red' : undefined;
  return <Tag color={colour} data-testid="cancellation-status">{t(`cancellation_${status}`)}</Tag>;
}

/** 撤回 of a pending request (within the 48 h window; the order service refuses it after). */
function WithdrawButton({ request, act }: { request: Pick<Request, 'id' | 'status'>; act: ReturnType<typeof useAction>['act'] }) {
  const t = useT();
  const { api } = useSession();
  if (request.status !== 'PENDING') return null;
  return (
    <Button size="small" danger aria-label={`${t('withdraw')} ${short(request.id)}`} onClick={() => act(() => call(api.POST('/api/v1/merchant/cancellation-requests/{id}/withdraw', { params: { path: { id: request.id } } })))}>
      {t('withdraw')}
    </Button>
  );
}

/** 协商取消 (domain.md §1.4): the merchant's requests with their status, newest first; withdraw a pending one. */
export function CancellationRequestsPage() {
  const t = useT();
  const { api } = useSession();
  const [status, setStatus] = useState<string>('ALL');
  const { error, act } = useAction(['cancellation-requests']);
  const list = useQuery({
    queryKey: ['cancellation-requests', status],
    queryFn: () => call(api.GET('/api/v1/merchant/cancellation-requests', { params: { query: status === 'ALL' ? {} : { status: status as Request['status'] } } })),
  });
  return (
    <section aria-labelledby="cancellations-title">
      <Typography.Title level={3} id="cancellations-title">
        {t('cancellationRequests')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('cancellationRules')}</Typography.Paragraph>
      <ProblemAlert error={error ?? list.error} />
      <Tabs activeKey={status} onChange={setStatus} items={[{ key: 'ALL', label: t('all') }, ...STATUSES.map((key) => ({ key, label: t(`cancellation_${key}`) }))]} />
      <Table<Request>
        rowKey="id"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items}
        pagination={false}
        columns={[
          { title: t('cancellationRequest'), dataIndex: 'id', render: (id: string) => <RequestLink id={id} /> },
          { title: t('orderId'), dataIndex: 'orderId', render: (id: string) => <OrderLink id={id} /> },
          { title: t('cancellationReason'), dataIndex: 'reason', render: (reason: string) => t(reason) },
          { title: t('status'), dataIndex: 'status', render: (value: Request['status']) => <StatusTag status={value} /> },
          { title: t('submittedAt'), dataIndex: 'submittedAt', render: when },
          { title: t('objectionDeadline'), dataIndex: 'objectionDeadline', render: when },
          { title: t('closedAt'), dataIndex: 'closedAt', render: when },
          { title: t('actions'), key: 'actions', render: (_, row) => <WithdrawButton request={row} act={act} /> },
        ]}
      />
    </section>
  );
}

/** One request: reason, status, the 48 h objection deadline, and withdraw while pending. */
export function CancellationRequestPage({ id }: { id: string }) {
  const t = useT();
  const { api } = useSession();
  const { error, act } = useAction(['cancellation-request', id]);
  const request = useQuery({ queryKey: ['cancellation-request', id], queryFn: () => call(api.GET('/api/v1/merchant/cancellation-requests/{id}', { params: { path: { id } } })) });
  const view = request.data;
  return (
    <section aria-labelledby="cancellation-title">
      <Space>
        <Button onClick={() => navigate('/cancellation-requests')}>← {t('cancellationRequests')}</Button>
        <Typography.Title level={3} id="cancellation-title" style={{ margin: 0 }}>
          {t('cancellationRequest')} {short(id)}
        </Typography.Title>
      </Space>
      <ProblemAlert error={error ?? request.error} />
      {view && (
        <>
          <Descriptions bordered size="small" column={2} style={{ marginTop: 16 }}>
            <Descriptions.Item label={t('orderId')}>
              <OrderLink id={view.orderId} />
            </Descriptions.Item>
            <Descriptions.Item label={t('status')}>
              <StatusTag status={view.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('cancellationReason')}>{t(view.reason)}</Descriptions.Item>
            <Descriptions.Item label={t('submittedAt')}>{when(view.submittedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('objectionDeadline')}>{when(view.objectionDeadline)}</Descriptions.Item>
            <Descriptions.Item label={t('closedAt')}>{when(view.closedAt)}</Descriptions.Item>
          </Descriptions>
          <div style={{ marginTop: 16 }}>
            <WithdrawButton request={view} act={act} />
          </div>
        </>
      )}
    </section>
  );
}

/**
 * 申请协商取消 on the order detail: a reason of §1.4, the calls to the buyer (their times, as the
 * merchant declares them; at least 3 at different times for BUYER_UNREACHABLE) and a note, plus the
 * order's requests so far. Only COD orders before shipment qualify; the order service decides and
 * its refusal (e.g. CALL_ATTEMPTS_REQUIRED) is shown as it comes.
 */
export function CancellationCard({ order }: { order: Order }) {
  const t = useT();
  const { api } = useSession();
  const { error, act } = useAction();
  const [form] = Form.useForm<ApplyForm>();
  const [submitted, setSubmitted] = useState<Request>();
  const open = PRE_SHIPMENT.includes(order.status);
  if (!open && order.cancellationRequests.length === 0) return null;
  const pending = order.cancellationRequests.some((request) => request.status === 'PENDING');
  return (
    <Card title={t('cancellationRequests')} size="small" style={{ marginTop: 16 }}>
      <ProblemAlert error={error} />
      {submitted && <Alert type="success" role="status" style={{ marginBottom: 12 }} title={`${t('cancellationRequest')} ${short(submitted.id)} · ${t(`cancellation_${submitted.status}`)}`} />}
      {order.cancellationRequests.length > 0 && (
        <Table
          size="small"
          style={{ marginBottom: 12 }}
          pagination={false}
          rowKey="id"
          dataSource={order.cancellationRequests}
          columns={[
            { title: t('cancellationRequest'), dataIndex: 'id', render: (id: string) => <RequestLink id={id} /> },
            { title: t('cancellationReason'), dataIndex: 'reason', render: (reason: string) => t(reason) },
            { title: t('status'), dataIndex: 'status', render: (value: Request['status']) => <StatusTag status={value} /> },
            { title: t('objectionDeadline'), dataIndex: 'objectionDeadline', render: when },
            { title: t('actions'), key: 'actions', render: (_, row) => <WithdrawButton request={row} act={act} /> },
          ]}
        />
      )}
      {open && order.paymentMethod !== 'COD' && <Typography.Text type="secondary">{t('codOnly')}</Typography.Text>}
      {open && order.paymentMethod === 'COD' && !pending && (
        <>
          <Typography.Paragraph type="secondary">{t('cancellationRules')}</Typography.Paragraph>
          {/* Named: the pause card's form on the same page has a `reason` field too, and ids must differ. */}
          <Form<ApplyForm>
            form={form}
            name="negotiated-cancellation"
            layout="vertical"
            style={{ maxWidth: 560 }}
            onFinish={(values) =>
              act(async () => {
                const callAttempts = (values.callAttempts ?? []).flatMap((at) => (at ? [at.toISOString()] : []));
                const body: ApiSchema<'CancellationRequestRequest'> = { orderId: order.id, reason: values.reason, ...(callAttempts.length ? { callAttempts } : {}), ...(values.note ? { note: values.note } : {}) };
                setSubmitted(await call(api.POST('/api/v1/merchant/cancellation-requests', { body })));
              })
            }
          >
            <Form.Item label={t('cancellationReason')} name="reason" rules={[{ required: true }]}>
              <Select options={REASONS.map((value) => ({ value, label: t(value) }))} />
            </Form.Item>
            <Form.List name="callAttempts">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field, index) => (
                    <Space key={field.key} align="baseline">
                      <Form.Item label={`${t('callAttempt')} ${index + 1}`} name={field.name} rules={[{ required: true }]}>
                        <DatePicker showTime aria-label={`${t('callAttempt')} ${index + 1}`} />
                      </Form.Item>
                      <Button size="small" aria-label={`${t('removeCallAttempt')} ${index + 1}`} onClick={() => remove(field.name)}>
                        ✕
                      </Button>
                    </Space>
                  ))}
                  <Form.Item>
                    <Button onClick={() => add()}>{t('addCallAttempt')}</Button>
                  </Form.Item>
                </>
              )}
            </Form.List>
            <Form.Item label={t('note')} name="note">
              <Input.TextArea rows={2} maxLength={500} />
            </Form.Item>
            <Button type="primary" danger htmlType="submit">
              {t('applyCancellation')}
            </Button>
          </Form>
        </>
      )}
    </Card>
  );
}
