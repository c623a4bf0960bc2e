import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Form, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import { ApiSchema, call, downloadFile } from '../api';
import { useT } from '../i18n';
import { ProblemAlert } from '../problem-view';
import { useSession } from '../session';
import { useAction } from '../use-action';
import { formatTime } from '../time';

type Task = ApiSchema<'ExportTaskView'>;
type CreateExport = ApiSchema<'CreateExportRequest'>;
const TYPES: CreateExport['type'][] = ['ORDER_DETAILS', 'ORDER_DISCOUNTS', 'ORDER_EXPRESS', 'UNPAID_ORDERS', 'PRESALE_ORDERS', 'BONDED_ORDERS', 'SIM_CARD_ORDERS', 'TOP_UP_GIFT_ORDERS', 'CUSTOMISED_ORDERS', 'SHIPPING_WARNINGS', 'SHIPPING_TIMEOUTS', 'ADVANCE_COMPENSATION', 'DIRECT_COMPENSATION', 'LATE_SHIPPING_COMPENSATION', 'LOC_ORDERS', 'LOC_SIGNUPS'];

/**
 * The range a task covers when none is picked: the last 7 days up to tomorrow (the end is
 * exclusive). Well inside the longest range a type allows (31 days for order details, counted in
 * platform days), so the default is never refused.
 */
function lastSevenDays(): [string, string] {
  const day = 24 * 60 * 60 * 1000;
  return [new Date(Date.now() - 7 * day).toISOString(), new Date(Date.now() + day).toISOString()];
}

/** 导出中心: create a task, follow its progress, get the password of an encrypted file by SMS, download. */
export function ExportCenterPage() {
  const t = useT();
  const { api, session } = useSession();
  const { error, act } = useAction(['exports']);
  const [sent, setSent] = useState<ApiSchema<'ExportPasswordSentView'>>();
  const tasks = useQuery({
    queryKey: ['exports'],
    queryFn: () => call(api.GET('/api/v1/merchant/exports', { params: { query: { limit: '20' } } })),
    // Long work shows progress: poll while a task is still queued or running.
    refetchInterval: (query) => (query.state.data?.items.some((task) => task.status === 'QUEUED' || task.status === 'RUNNING') ? 1_000 : false),
  });
  return (
    <section aria-labelledby="exports-title">
      <Typography.Title level={3} id="exports-title">
        {t('exports')}
      </Typography.Title>
      <ProblemAlert error={error ?? tasks.error} />
      {sent && <Alert role="status" type="success" style={{ marginBottom: 16 }} title={<span data-testid="password-sent">{t('passwordSent')} {sent.sentTo} ({sent.sendsToday}/{sent.dailyLimit})</span>} />}
      <Card size="small" title={t('createExport')} style={{ marginBottom: 16 }}>
        <Form
          layout="inline"
          style={{ rowGap: 8 }}
          initialValues={{ type: 'ORDER_DETAILS', format: 'CSV', consigneeMode: 'MASKED' }}
          onFinish={(values: { type: CreateExport['type']; format: CreateExport['format']; consigneeMode: CreateExport['consigneeMode']; range?: [{ toISOString(): string }, { toISOString(): string }] | null }) =>
            act(async () => {
              const [from, to] = values.range ? values.range.map((end) => end.toISOString()) : lastSevenDays();
              await call(api.POST('/api/v1/merchant/exports', { body: { type: values.type, format: values.format, consigneeMode: values.consigneeMode, from, to } }));
            })
          }
        >
          <Form.Item label={t('exportType')} name="type">
            <Select style={{ width: 240 }} options={TYPES.map((value) => ({ value, label: value }))} />
          </Form.Item>
          <Form.Item label={t('format')} name="format">
            <Select style={{ width: 90 }} options={[{ value: 'CSV', label: 'CSV' }, { value: 'XLSX', label: 'XLSX' }]} />
          </Form.Item>
          <Form.Item label={t('consigneeMode')} name="consigneeMode">
            <Select style={{ width: 180 }} options={(['NONE', 'MASKED', 'FULL'] as const).map((value) => ({ value, label: t(value) }))} />
          </Form.Item>
          <Form.Item label={t('timeRange')} name="range" extra={t('lastSevenDays')}>
            <DatePicker.RangePicker showTime />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('createExport')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {t('passwordSmsLimits')}
        </Typography.Paragraph>
      </Card>
      <Table<Task>
        rowKey="id"
        size="small"
        dataSource={tasks.data?.items}
        pagination={false}
        columns={[
          { title: t('exportType'), dataIndex: 'type' },
          { title: t('consigneeMode'), dataIndex: 'consigneeMode', render: (mode: string, row) => <span>{t(mode)} {row.encrypted && <Tag color="gold">{t('encrypted')}</Tag>}</span> },
          { title: t('status'), dataIndex: 'status', render: (status: string, row) => <Tag data-testid="export-status" color={status === 'COMPLETED' ? 'green' : status === 'FAILED' ? 'red' : 'blue'}>{status}{row.failure ? `: ${row.failure}` : ''}</Tag> },
          {
            title: t('progress'),
            key: 'progress',
            render: (_, row) => <Progress size="small" style={{ width: 120 }} aria-label={t('progress')} percent={row.status === 'COMPLETED' ? 100 : row.progress.rowsTotal ? Math.floor((row.progress.rowsDone * 100) / row.progress.rowsTotal) : 0} />,
          },
          { title: 'createdAt', dataIndex: 'createdAt', render: (at: string) => formatTime(at) },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, row) =>
              row.status === 'COMPLETED' && (
                <Space>
                  <Button size="small" type="primary" onClick={() => act(() => downloadFile(`/api/v1/merchant/exports/${row.id}/file`, session.token, row.file?.name ?? 'export'))}>
                    {t('download')}
                  </Button>
                  {row.encrypted && (
                    <Button size="small" onClick={() => act(async () => setSent(await call(api.POST('/api/v1/merchant/exports/{id}/password-sms', { params: { path: { id: row.id } } }))))}>
                      {t('passwordSms')}
                    </Button>
                  )}
                </Space>
              ),
          },
        ]}
      />
    </section>
  );
}
