import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Form, Input, InputNumber, Space, Table, Tag, Typography } from 'antd';
import { ApiSchema, call } from '../api';
import { useT } from '../i18n';
import { ProblemAlert } from '../problem-view';
import { OrderLink } from '../page-link';
import { useSession } from '../session';
import { useAction } from '../use-action';
import { formatTime } from '../time';

type Correction = ApiSchema<'WaybillCorrectionView'>;
type QuietShipment = ApiSchema<'ShipmentWithoutTrackingView'>;
type QuietReturn = ApiSchema<'ReturnParcelWithoutTrackingView'>;


function OrderLinks({ ids }: { ids: string[] }) {
  return (
    <Space size={4} wrap>
      {ids.map((id) => (
        <OrderLink key={id} id={id} />
      ))}
    </Space>
  );
}

/**
 * The shipped tab's tools on one shipment (domain.md §2.3): 修改快递单号 for a third-party waybill
 * (the old number stays in the history) and 拦截 of a platform-carrier parcel, whose answer the
 * carrier sends later. The logistics service decides both; a refusal (WAYBILL_GENERATED_BY_PLATFORM,
 * INTERCEPTION_PLATFORM_CARRIER_ONLY, SHIPMENT_ALREADY_DELIVERED, …) is shown with its code.
 */
export function ShipmentToolsCard({ shipmentId }: { shipmentId: string }) {
  const t = useT();
  const { api } = useSession();
  const { error, act } = useAction();
  const [form] = Form.useForm<{ waybillNo: string; reason?: string }>();
  const shipment = useQuery({ queryKey: ['merchant-shipment', shipmentId], queryFn: () => call(api.GET('/api/v1/merchant/shipments/{id}', { params: { path: { id: shipmentId } } })) });
  const view = shipment.data;
  return (
    <Card title={t('shipmentTools')} size="small" style={{ marginTop: 16 }} data-testid="shipment-tools">
      <ProblemAlert error={error ?? shipment.error} />
      {view && (
        <>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('carrier')}>{view.carrier}</Descriptions.Item>
            <Descriptions.Item label={t('waybillNo')}>
              <span data-testid="shipment-waybill">{view.waybillNo}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('outboundAt')}>{formatTime(view.outboundAt)}</Descriptions.Item>
            <Descriptions.Item label={t('interceptionStatus')}>
              <span data-testid="interception-status">{view.interception ? <Tag color={view.interception.status === 'FAILED' ? 'red' : 'orange'}>{t(`interception_${view.interception.status}`)}</Tag> : '—'}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('orderId')} span={2}>
              <OrderLinks ids={view.orders.map((order) => order.orderId)} />
            </Descriptions.Item>
          </Descriptions>
          {!view.deliveredAt && (
            <>
              <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
                {t('shipmentToolsRules')}
              </Typography.Paragraph>
              <Space align="start" wrap>
                <Form
                  form={form}
                  name="waybill-correction"
                  layout="inline"
                  style={{ rowGap: 8 }}
                  onFinish={async (values) => {
                    if (await act(() => call(api.PATCH('/api/v1/merchant/shipments/{id}/waybill', { params: { path: { id: view.id } }, body: { waybillNo: values.waybillNo.trim(), ...(values.reason ? { reason: values.reason } : {}) } })))) form.resetFields();
                  }}
                >
                  <Form.Item label={t('newWaybillNo')} name="waybillNo" rules={[{ required: true }]}>
                    <Input style={{ width: 200 }} />
                  </Form.Item>
                  <Form.Item label={t('correctionReason')} name="reason">
                    <Input style={{ width: 200 }} />
                  </Form.Item>
                  <Button htmlType="submit">{t('correctWaybill')}</Button>
                </Form>
                <Button danger aria-label={`${t('interception')} ${view.waybillNo}`} onClick={() => act(() => call(api.POST('/api/v1/merchant/shipments/{id}/intercept', { params: { path: { id: view.id } } })))}>
                  {t('interception')}
                </Button>
              </Space>
            </>
          )}
          {view.waybillCorrections.length > 0 && (
            <Table<Correction>
              size="small"
              style={{ marginTop: 12 }}
              pagination={false}
              rowKey="correctedAt"
              title={() => t('waybillCorrections')}
              dataSource={view.waybillCorrections}
              columns={[
                { title: t('previousWaybillNo'), dataIndex: 'previousWaybillNo', render: (value: string) => <span data-testid="previous-waybill">{value}</span> },
                { title: t('waybillNo'), dataIndex: 'waybillNo' },
                { title: t('correctionReason'), dataIndex: 'reason', render: (value: string | null) => value ?? '—' },
                { title: t('time'), dataIndex: 'correctedAt', render: formatTime },
              ]}
            />
          )}
        </>
      )}
    </Card>
  );
}

/**
 * 发货无轨迹 (domain.md §2.3): parcels shipped at least N days ago that no carrier event reached, and
 * return parcels the buyers sent back likewise (N: the platform's NO_TRACKING_ALERT_DAYS unless
 * given). A shipment's tools open below the list.
 */
export function NoTrackingPage() {
  const t = useT();
  const { api } = useSession();
  const [days, setDays] = useState<number>();
  const [open, setOpen] = useState<string>();
  const shipments = useQuery({ queryKey: ['shipments-without-tracking', days], queryFn: () => call(api.GET('/api/v1/merchant/shipments/without-tracking', { params: { query: days ? { days } : {} } })) });
  // Return parcels need the after-sales grant: a sub-account without it sees that table's refusal only.
  const returns = useQuery({ queryKey: ['return-parcels-without-tracking', days], queryFn: () => call(api.GET('/api/v1/merchant/return-parcels/without-tracking', { params: { query: days ? { days } : {} } })) });
  return (
    <section aria-labelledby="no-tracking-title">
      <Typography.Title level={3} id="no-tracking-title">
        {t('noTracking')}
      </Typography.Title>
      <Form name="no-tracking" layout="inline" style={{ marginBottom: 16 }} onFinish={(values: { days?: number | null }) => { setDays(values.days ?? undefined); setOpen(undefined); }}>
        <Form.Item label={t('daysAtLeast')} name="days">
          <InputNumber min={1} max={365} precision={0} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('search')}
        </Button>
      </Form>
      <Typography.Title level={5}>
        {t('shipmentsWithoutTracking')} {shipments.data ? `(${shipments.data.days}+)` : ''}
      </Typography.Title>
      <ProblemAlert error={shipments.error} />
      <Table<QuietShipment>
        rowKey="id"
        size="small"
        loading={shipments.isFetching}
        dataSource={shipments.data?.items}
        pagination={false}
        data-testid="shipments-without-tracking"
        columns={[
          { title: t('waybillNo'), dataIndex: 'waybillNo', render: (value: string) => <span data-testid="quiet-waybill">{value}</span> },
          { title: t('carrier'), dataIndex: 'carrier' },
          { title: t('orderId'), dataIndex: 'orderIds', render: (ids: string[]) => <OrderLinks ids={ids} /> },
          { title: t('outboundAt'), dataIndex: 'outboundAt', render: formatTime },
          { title: t('daysSince'), dataIndex: 'daysSinceOutbound' },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, row) => (
              <Button size="small" aria-label={`${t('shipmentTools')} ${row.waybillNo}`} aria-expanded={open === row.id} onClick={() => setOpen(open === row.id ? undefined : row.id)}>
                {t('shipmentTools')}
              </Button>
            ),
          },
        ]}
      />
      {open && <ShipmentToolsCard shipmentId={open} />}
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('returnParcelsWithoutTracking')} {returns.data ? `(${returns.data.days}+)` : ''}
      </Typography.Title>
      <ProblemAlert error={returns.error} />
      <Table<QuietReturn>
        rowKey="afterSalesId"
        size="small"
        loading={returns.isFetching}
        dataSource={returns.data?.items}
        pagination={false}
        data-testid="returns-without-tracking"
        columns={[
          { title: t('waybillNo'), dataIndex: 'waybillNo' },
          { title: t('carrier'), dataIndex: 'carrier' },
          { title: t('pickup'), dataIndex: 'pickup', render: (value: boolean) => t(value ? 'yes' : 'no') },
          { title: t('orderId'), dataIndex: 'orderId', render: (id: string) => <OrderLinks ids={[id]} /> },
          { title: t('afterSales'), dataIndex: 'afterSalesId', render: (id: string) => id.slice(0, 8) },
          { title: t('registeredAt'), dataIndex: 'registeredAt', render: formatTime },
          { title: t('daysSince'), dataIndex: 'daysSinceRegistered' },
        ]}
      />
    </section>
  );
}
