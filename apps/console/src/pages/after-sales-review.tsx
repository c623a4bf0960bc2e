import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Form, Input, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { ApiSchema, call } from '../api';
import { useT } from '../i18n';
import { formatFen } from '../money';
import { ProblemAlert } from '../problem-view';
import { useSession } from '../session';
import { useAction } from '../use-action';

type Request = ApiSchema<'AfterSalesRequestView'>;
const STATUSES = ['REQUESTED', 'APPROVED', 'RETURN_IN_TRANSIT', 'RECEIVED', 'RETURN_DISPUTED', 'REFUND_PENDING', 'REFUNDED', 'REJECTED'] as const;

/** After-sales review (domain.md §3): approve, reject with a reason, confirm the returned goods or report a problem. */
export function AfterSalesReviewPage() {
  const t = useT();
  const { api } = useSession();
  const [status, setStatus] = useState<string>('ALL');
  const { error, act: run } = useAction(['merchant-after-sales']);
  const [rejecting, setRejecting] = useState<Request>();
  const [receiving, setReceiving] = useState<Request>();
  const list = useQuery({
    queryKey: ['merchant-after-sales', status],
    queryFn: () => call(api.GET('/api/v1/merchant/after-sales', { params: { query: { limit: 50, ...(status === 'ALL' ? {} : { status: status as Request['status'] }) } } })),
  });
  const act = async (action: () => Promise<unknown>) => {
    if (!(await run(action))) return;
    setRejecting(undefined);
    setReceiving(undefined);
  };
  return (
    <section aria-labelledby="after-sales-title">
      <Typography.Title level={3} id="after-sales-title">
        {t('afterSales')}
      </Typography.Title>
      <ProblemAlert error={error ?? list.error} />
      <Tabs activeKey={status} onChange={setStatus} items={[{ key: 'ALL', label: t('all') }, ...STATUSES.map((key) => ({ key, label: key }))]} />
      <Table<Request>
        rowKey="id"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items}
        pagination={false}
        columns={[
          { title: t('orderId'), dataIndex: 'orderId', render: (id: string) => id.slice(0, 8) },
          { title: t('type'), dataIndex: 'type' },
          { title: t('status'), dataIndex: 'status', render: (value: string) => <Tag data-testid="after-sales-status">{value}</Tag> },
          { title: t('reason'), dataIndex: 'reason', render: (reason: string, row) => `${reason}${row.description ? ` · ${row.description}` : ''}` },
          { title: t('quantity'), dataIndex: 'lines', render: (lines: Request['lines']) => lines.map((line) => <div key={line.lineId}>{line.lineId.slice(0, 8)} × {line.quantity}</div>) },
          { title: t('refund'), dataIndex: 'refund', render: (refund: Request['refund']) => (refund ? formatFen(refund.amount) : '—') },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, row) => (
              <Space>
                {row.status === 'REQUESTED' && (
                  <>
                    <Button size="small" type="primary" aria-label={`${t('approve')} ${row.orderId.slice(0, 8)}`} onClick={() => act(() => call(api.POST('/api/v1/merchant/after-sales/{id}/approve', { params: { path: { id: row.id } } })))}>
                      {t('approve')}
                    </Button>
                    <Button size="small" danger aria-label={`${t('reject')} ${row.orderId.slice(0, 8)}`} onClick={() => setRejecting(row)}>
                      {t('reject')}
                    </Button>
                  </>
                )}
                {row.status === 'RETURN_IN_TRANSIT' && (
                  <Button size="small" type="primary" aria-label={`${t('confirmReceipt')} ${row.orderId.slice(0, 8)}`} onClick={() => setReceiving(row)}>
                    {t('confirmReceipt')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      {rejecting && (
        <Modal open title={t('reject')} onCancel={() => setRejecting(undefined)} footer={null} destroyOnHidden>
          <ProblemAlert error={error} />
          <Form layout="vertical" onFinish={(values: { reason: string }) => act(() => call(api.POST('/api/v1/merchant/after-sales/{id}/reject', { params: { path: { id: rejecting.id } }, body: { reason: values.reason } })))}>
            <Form.Item label={t('rejectReason')} name="reason" rules={[{ required: true }]}>
              <Input.TextArea rows={3} />
            </Form.Item>
            <Button type="primary" danger htmlType="submit">
              {t('reject')}
            </Button>
          </Form>
        </Modal>
      )}
      {receiving && (
        <Modal open title={t('confirmReceipt')} onCancel={() => setReceiving(undefined)} footer={null} destroyOnHidden>
          <ProblemAlert error={error} />
          <Form layout="vertical" initialValues={{ condition: 'OK' }} onFinish={(values: { condition: 'OK' | 'PROBLEM'; note?: string }) => act(() => call(api.POST('/api/v1/merchant/after-sales/{id}/confirm-receipt', { params: { path: { id: receiving.id } }, body: { condition: values.condition, ...(values.note ? { note: values.note } : {}) } })))}>
            <Form.Item label={t('status')} name="condition">
              <Select options={[{ value: 'OK', label: t('confirmReceipt') }, { value: 'PROBLEM', label: t('reportProblem') }]} />
            </Form.Item>
            <Form.Item label={t('remarks')} name="note">
              <Input />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              {t('submit')}
            </Button>
          </Form>
        </Modal>
      )}
    </section>
  );
}
