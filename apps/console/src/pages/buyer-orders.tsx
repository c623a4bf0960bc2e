import { useState } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { ApiSchema, call } from '../api';
import { useT } from '../i18n';
import { formatFen } from '../money';
import { ProblemAlert } from '../problem-view';
import { navigate } from '../router';
import { useSession } from '../session';
import { useCursorPages } from '../cursor-pages';
import { formatTime } from '../time';

const CANCELLABLE = ['UNPAID', 'WAITING_OUTBOUND', 'PAUSED'];
const CANCEL_REASONS = ['NO_LONGER_WANTED', 'ORDERED_BY_MISTAKE', 'WRONG_ADDRESS', 'FOUND_CHEAPER', 'DELIVERY_TOO_SLOW', 'OTHER'] as const;
const AFTER_SALES_REASONS = ['DEFECTIVE', 'NOT_AS_DESCRIBED', 'WRONG_ITEM', 'DAMAGED_IN_TRANSIT', 'NOT_RECEIVED', 'NO_LONGER_WANTED', 'SIZE_OR_FIT', 'OTHER'] as const;

type Row = ApiSchema<'BuyerOrderListItemView'>;
const STATUSES = ['UNPAID', 'WAITING_OUTBOUND', 'PAUSED', 'SHIPPED', 'DELIVERED', 'COMPLETED', 'CANCELLED'] as const;

/**
 * 我的订单: the buyer's own orders (`GET /orders`, the buyer comes from the token), newest first,
 * by status tab, in keyset-cursor pages. Each opens the order, where it is cancelled before
 * shipment or returned after it.
 */
export function BuyerOrdersPage() {
  const t = useT();
  const { api } = useSession();
  const [status, setStatus] = useState<string>('ALL');
  const pages = useCursorPages();
  const list = useQuery({
    queryKey: ['buyer-orders', status, pages.cursor],
    queryFn: () => call(api.GET('/api/v1/orders', { params: { query: { ...(status === 'ALL' ? {} : { status: status as (typeof STATUSES)[number] }), ...(pages.cursor ? { cursor: pages.cursor } : {}), limit: '20' } } })),
    placeholderData: keepPreviousData,
  });
  return (
    <section aria-labelledby="my-orders-title">
      <Typography.Title level={3} id="my-orders-title">
        {t('myOrders')}
      </Typography.Title>
      <ProblemAlert error={list.error} />
      <Tabs
        activeKey={status}
        onChange={(key) => {
          setStatus(key);
          pages.restart();
        }}
        items={[{ key: 'ALL', label: t('all') }, ...STATUSES.map((key) => ({ key, label: <span data-testid={`buyer-tab-${key}`}>{t(key)}</span> }))]}
      />
      <Table<Row>
        rowKey="id"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items}
        pagination={false}
        columns={[
          {
            title: t('orderId'),
            dataIndex: 'id',
            render: (id: string, row) => (
              <div>
                <a href={`/buyer/orders/${id}`} onClick={(event) => { event.preventDefault(); navigate(`/buyer/orders/${id}`); }} data-testid="buyer-order-link">
                  {id.slice(0, 8)}
                </a>
                <div style={{ fontSize: 12, color: '#888' }}>{formatTime(row.createdAt)}</div>
              </div>
            ),
          },
          { title: t('status'), dataIndex: 'status', render: (value: string) => <Tag data-testid="buyer-order-row-status">{t(value)}</Tag> },
          { title: t('goods'), dataIndex: 'lines', render: (lines: Row['lines']) => lines.map((line) => <div key={line.skuId}>{line.title} × {line.quantity} @ {formatFen(line.unitPrice)}</div>) },
          { title: t('payable'), dataIndex: 'payable', render: (fen: number) => formatFen(fen) },
          { title: t('paymentMethod'), key: 'paymentMethod', render: (_, row) => `${t(row.paymentMethod)}${row.credit ? ` · ${row.credit.plan}${row.credit.periods ? ` ${row.credit.periods}` : ''}` : ''}` },
          {
            title: t('flags'),
            key: 'flags',
            render: (_, row) => (
              <Space size={2} wrap>
                {row.refundedAmount > 0 && <Tag color="gold">{t('refund')} {formatFen(row.refundedAmount)}</Tag>}
                {row.cancellation && <Tag>{t('CANCELLED')}: {row.cancellation.reason}</Tag>}
              </Space>
            ),
          },
        ]}
      />
      {pages.pager(list.data?.nextCursor)}
    </section>
  );
}

function AfterSalesForm({ orderId }: { orderId: string }) {
  const t = useT();
  const { api } = useSession();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>();
  const refundable = useQuery({ queryKey: ['refundable', orderId], queryFn: () => call(api.GET('/api/v1/after-sales/refundable', { params: { query: { orderId } } })) });
  const returnable = (refundable.data?.lines ?? []).filter((line) => line.returnableQuantity > 0);
  return (
    <Card size="small" title={t('applyReturn')} style={{ marginTop: 16 }}>
      <ProblemAlert error={error ?? refundable.error} />
      <Form
        layout="vertical"
        initialValues={{ type: 'RETURN_AND_REFUND', reason: 'DEFECTIVE' }}
        onFinish={async (values: { type: ApiSchema<'ApplyAfterSalesRequest'>['type']; reason: ApiSchema<'ApplyAfterSalesRequest'>['reason']; description?: string; quantities: Record<string, number | null> }) => {
          setError(undefined);
          try {
            const lines = Object.entries(values.quantities ?? {})
              .filter(([, quantity]) => quantity && quantity > 0)
              .map(([lineId, quantity]) => ({ lineId, quantity: quantity as number }));
            await call(api.POST('/api/v1/after-sales', { body: { orderId, type: values.type, reason: values.reason, lines, ...(values.description ? { description: values.description } : {}) } }));
            await queryClient.invalidateQueries({ queryKey: ['buyer-after-sales'] });
            await queryClient.invalidateQueries({ queryKey: ['refundable', orderId] });
          } catch (failure) {
            setError(failure);
          }
        }}
      >
        <Space wrap>
          <Form.Item label={t('type')} name="type">
            <Select style={{ width: 200 }} options={(['RETURN_AND_REFUND', 'REFUND_ONLY', 'EXCHANGE'] as const).map((value) => ({ value, label: value }))} />
          </Form.Item>
          <Form.Item label={t('reason')} name="reason">
            <Select style={{ width: 200 }} options={AFTER_SALES_REASONS.map((value) => ({ value, label: value }))} />
          </Form.Item>
          <Form.Item label={t('detail')} name="description">
            <Input style={{ width: 260 }} />
          </Form.Item>
        </Space>
        {returnable.map((line) => (
          <Form.Item key={line.lineId} label={`${line.title ?? line.skuId} (≤ ${line.returnableQuantity})`} name={['quantities', line.lineId]}>
            <InputNumber min={0} max={line.returnableQuantity} precision={0} />
          </Form.Item>
        ))}
        <Button type="primary" htmlType="submit" disabled={!returnable.length}>
          {t('applyReturn')}
        </Button>
      </Form>
    </Card>
  );
}

function AfterSalesList({ orderId }: { orderId: string }) {
  const t = useT();
  const { api } = useSession();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>();
  const requests = useQuery({ queryKey: ['buyer-after-sales', orderId], queryFn: () => call(api.GET('/api/v1/after-sales', { params: { query: { orderId } } })), refetchInterval: 2_000 });
  if (!requests.data?.items.length) return null;
  return (
    <Card size="small" title={t('afterSales')} style={{ marginTop: 16 }}>
      <ProblemAlert error={error} />
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={requests.data.items}
        columns={[
          { title: t('type'), dataIndex: 'type' },
          { title: t('status'), dataIndex: 'status', render: (status: string) => <Tag data-testid="buyer-after-sales-status">{status}</Tag> },
          { title: t('refund'), dataIndex: 'refund', render: (refund: ApiSchema<'AfterSalesRequestView'>['refund']) => (refund ? formatFen(refund.amount) : '—') },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, request) =>
              request.status === 'APPROVED' &&
              request.type !== 'REFUND_ONLY' && (
                <Form
                  layout="inline"
                  initialValues={{ carrier: 'SF' }}
                  onFinish={async (values: { carrier: string; waybillNo: string }) => {
                    setError(undefined);
                    try {
                      await call(api.POST('/api/v1/after-sales/{id}/return-shipment', { params: { path: { id: request.id } }, body: values }));
                      await queryClient.invalidateQueries({ queryKey: ['buyer-after-sales'] });
                    } catch (failure) {
                      setError(failure);
                    }
                  }}
                >
                  <Form.Item label={t('carrier')} name="carrier">
                    <Input style={{ width: 70 }} />
                  </Form.Item>
                  <Form.Item label={t('waybillNo')} name="waybillNo" rules={[{ required: true }]}>
                    <Input style={{ width: 160 }} />
                  </Form.Item>
                  <Button htmlType="submit">{t('shipReturn')}</Button>
                </Form>
              ),
          },
        ]}
      />
    </Card>
  );
}

/** One of the buyer's orders: cancel before shipment; after shipment the page points to returns. */
export function BuyerOrderPage({ id }: { id: string }) {
  const t = useT();
  const { api } = useSession();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>();
  const order = useQuery({ queryKey: ['buyer-order', id], queryFn: () => call(api.GET('/api/v1/orders/{id}', { params: { path: { id } } })) });
  const view = order.data;
  const shipped = view && ['SHIPPED', 'DELIVERED', 'COMPLETED'].includes(view.status);
  return (
    <section aria-labelledby="buyer-order-title">
      <Space>
        <Button onClick={() => navigate('/buyer/orders')}>← {t('myOrders')}</Button>
        <Typography.Title level={3} id="buyer-order-title" style={{ margin: 0 }}>
          {t('orderDetail')} {id.slice(0, 8)}
        </Typography.Title>
      </Space>
      <ProblemAlert error={error ?? order.error} />
      {view && (
        <>
          <Descriptions bordered size="small" column={2} style={{ marginTop: 16 }}>
            <Descriptions.Item label={t('status')}>
              <Tag data-testid="buyer-order-status">{t(view.status)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('payable')}>{formatFen(view.payable)}</Descriptions.Item>
            <Descriptions.Item label={t('paymentMethod')}>{t(view.paymentMethod)}</Descriptions.Item>
            <Descriptions.Item label={t('goods')}>{view.lines.map((line) => `${line.title} × ${line.quantity} @ ${formatFen(line.unitPrice)}`).join(', ')}</Descriptions.Item>
          </Descriptions>
          {CANCELLABLE.includes(view.status) && (
            <Card size="small" title={t('cancelOrder')} style={{ marginTop: 16 }}>
              <Form
                layout="inline"
                initialValues={{ reason: 'NO_LONGER_WANTED' }}
                onFinish={async (values: { reason: (typeof CANCEL_REASONS)[number] }) => {
                  setError(undefined);
                  try {
                    await call(api.POST('/api/v1/orders/{id}/cancel', { params: { path: { id } }, body: { reason: values.reason } }));
                    await queryClient.invalidateQueries({ queryKey: ['buyer-order', id] });
                    await queryClient.invalidateQueries({ queryKey: ['buyer-orders'] });
                  } catch (failure) {
                    setError(failure);
                  }
                }}
              >
                <Form.Item label={t('cancelReason')} name="reason">
                  <Select style={{ width: 220 }} options={CANCEL_REASONS.map((value) => ({ value, label: value }))} />
                </Form.Item>
                <Button danger htmlType="submit">
                  {t('cancelOrder')}
                </Button>
              </Form>
            </Card>
          )}
          {shipped && <Alert role="note" type="info" style={{ marginTop: 16 }} title={t('afterShipmentUseReturns')} />}
          {shipped && <AfterSalesForm orderId={id} />}
          <AfterSalesList orderId={id} />
        </>
      )}
    </section>
  );
}
