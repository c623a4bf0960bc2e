import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, Space, Table, Tag, Timeline, Typography } from 'antd';
import { ApiSchema, call } from '../api';
import { useT } from '../i18n';
import { formatFen } from '../money';
import { ProblemAlert } from '../problem-view';
import { navigate } from '../router';
import { useSession } from '../session';
import { OrderContactsCard } from './order-contacts';
import { OrderFeesCard } from './order-fees';
import { OrderPauseCard } from './order-pause';
import { ShipDialog } from './ship-dialog';
import { CancellationCard } from './cancellation-requests';
import { ShipmentToolsCard } from './shipment-tools';
import { formatTime } from '../time';

type ConsigneeChange = { name?: string; phone?: string; province: string; city: string; county: string; town?: string; detail: string };

/**
 * 修改收货信息 (domain.md §1.6): the merchant sends the change and the order service decides; a
 * change outside the rules comes back as a problem whose message the page shows as it is.
 */
function ConsigneeChangeForm({ order }: { order: ApiSchema<'MerchantOrderView'> }) {
  const t = useT();
  const { api } = useSession();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  // A masked level ("***") is not a value to send back: it starts blank until revealed or typed.
  const clear = (value: string | null | undefined) => (value && !value.includes('*') ? value : undefined);
  const address = order.consignee.address;
  return (
    <Card title={t('changeConsignee')} size="small" style={{ marginTop: 16 }}>
      <ProblemAlert error={error} />
      {saved && <Alert type="success" role="status" title={t('saved')} style={{ marginBottom: 16 }} />}
      <Form<ConsigneeChange>
        layout="inline"
        style={{ rowGap: 8 }}
        key={String(order.consigneeRevealed)}
        initialValues={{ province: clear(address.province), city: clear(address.city), county: clear(address.county), town: clear(address.town), detail: clear(address.detail) }}
        onFinish={async (values) => {
          setBusy(true);
          setError(undefined);
          setSaved(false);
          try {
            const { name, phone, ...rest } = values;
            await call(api.PATCH('/api/v1/merchant/orders/{id}/consignee', { params: { path: { id: order.id } }, body: { ...(name ? { name } : {}), ...(phone ? { phone } : {}), address: { ...rest, town: rest.town || undefined } } }));
            setSaved(true);
            await queryClient.invalidateQueries({ queryKey: ['merchant-order', order.id] });
          } catch (failure) {
            setError(failure);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form.Item label={t('name')} name="name">
          <Input />
        </Form.Item>
        <Form.Item label={t('phone')} name="phone">
          <Input />
        </Form.Item>
        <Form.Item label={t('province')} name="province" rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item label={t('city')} name="city" rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item label={t('county')} name="county" rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item label={t('town')} name="town">
          <Input />
        </Form.Item>
        <Form.Item label={t('detail')} name="detail" rules={[{ required: true }]}>
          <Input style={{ width: 260 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('changeConsignee')}
        </Button>
      </Form>
    </Card>
  );
}

/** Order detail: lines with unit prices, status history, consignee (reveal), tracking, after-sales. */
export function MerchantOrderPage({ id }: { id: string }) {
  const t = useT();
  const { api } = useSession();
  const [reveal, setReveal] = useState(false);
  const [shipping, setShipping] = useState(false);
  const order = useQuery({ queryKey: ['merchant-order', id, reveal], queryFn: () => call(api.GET('/api/v1/merchant/orders/{id}', { params: { path: { id }, query: reveal ? { reveal: 'true' } : {} } })) });
  const tracking = useQuery({ queryKey: ['tracking', id], queryFn: () => call(api.GET('/api/v1/orders/{id}/tracking', { params: { path: { id } } })), enabled: !!order.data && ['SHIPPED', 'DELIVERED', 'COMPLETED'].includes(order.data.status) });
  const view = order.data;
  return (
    <section aria-labelledby="order-title">
      <Space>
        <Button onClick={() => navigate('/orders')}>← {t('orders')}</Button>
        <Typography.Title level={3} id="order-title" style={{ margin: 0 }}>
          {t('orderDetail')} {id.slice(0, 8)}
        </Typography.Title>
      </Space>
      <ProblemAlert error={order.error} />
      {view && (
        <>
          <Descriptions bordered size="small" column={2} style={{ marginTop: 16 }}>
            <Descriptions.Item label={t('orderId')}>{view.id}</Descriptions.Item>
            <Descriptions.Item label={t('status')}>
              <Tag data-testid="detail-status">{t(view.status)}</Tag>
              {view.status === 'WAITING_OUTBOUND' && (
                <Button size="small" type="primary" onClick={() => setShipping(true)}>
                  {t('ship')}
                </Button>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('paymentMethod')}>
              {t(view.paymentMethod)}
              {view.credit ? ` · ${view.credit.plan}${'periods' in view.credit && view.credit.periods ? ` ${view.credit.periods}` : ''}` : ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('payable')}>
              <span data-testid="detail-payable">{formatFen(view.payable)}</span> ({t('goodsTotal')} {formatFen(view.goodsTotal)} + {t('freight')} {formatFen(view.freight)})
            </Descriptions.Item>
            <Descriptions.Item label={t('consignee')}>
              <span data-testid="detail-consignee">
                {view.consignee.name} {view.consignee.phone} · {view.consignee.address.province}
                {view.consignee.address.city}
                {view.consignee.address.county} {view.consignee.address.detail}
              </span>{' '}
              {!reveal && (
                <Button size="small" type="link" aria-label={`${t('reveal')} ${t('consignee')}`} onClick={() => setReveal(true)}>
                  {t('reveal')}
                </Button>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('buyerNote')}>{view.buyerNote ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('remarks')}>{view.remarks.map((remark) => remark.text).join(' / ') || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('afterSales')}>{view.afterSales.map((link) => `${link.type} ${link.status}`).join(', ') || '—'}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('lines')}
          </Typography.Title>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={view.lines}
            columns={[
              { title: t('skuId'), dataIndex: 'skuId' },
              { title: t('title'), dataIndex: 'title' },
              { title: t('unitPrice'), dataIndex: 'unitPrice', render: (fen: number) => formatFen(fen) },
              { title: t('quantity'), dataIndex: 'quantity' },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('history')}
          </Typography.Title>
          <Timeline items={view.history.map((change) => ({ children: `${formatTime(change.at)} ${change.from ? t(change.from) : '—'} → ${t(change.to)} ${change.reason ?? ''} (${change.actor})` }))} />
          {tracking.data?.shipment && (
            <Card size="small" title={t('tracking')}>
              {tracking.data.shipment.carrier} · <span data-testid="detail-waybill">{tracking.data.shipment.waybillNo}</span>
              <Timeline style={{ marginTop: 12 }} items={tracking.data.events.map((event) => ({ children: `${formatTime(event.occurredAt)} ${event.status} ${event.location ?? ""} ${event.description ?? ""}` }))} />
            </Card>
          )}
          {tracking.data?.shipment && <ShipmentToolsCard shipmentId={tracking.data.shipment.id} />}
          <OrderPauseCard order={view} />
          <CancellationCard order={view} />
          {view.status === 'UNPAID' && <OrderFeesCard order={view} />}
          {['UNPAID', 'WAITING_OUTBOUND', 'PAUSED', 'SHIPPED'].includes(view.status) && <ConsigneeChangeForm order={view} />}
          {view.status !== 'CANCELLED' && <OrderContactsCard order={view} />}
          {shipping && <ShipDialog mode="single" orderIds={[view.id]} onClose={() => setShipping(false)} />}
        </>
      )}
    </section>
  );
}
