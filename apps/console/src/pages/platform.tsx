import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Form, Input, Select, Table, Tag, Typography } from 'antd';
import { ApiSchema, call } from '../api';
import { useT } from '../i18n';
import { formatFen } from '../money';
import { ProblemAlert } from '../problem-view';
import { useSession } from '../session';
import { useAction } from '../use-action';

type Posting = ApiSchema<'LedgerPostingView'>;

/** The double-entry postings of one credit account (domain.md §4.6); the buyer's 我的白条 page shows the account id. */
function CreditLedgerCard() {
  const t = useT();
  const { api } = useSession();
  const [accountId, setAccountId] = useState<string>();
  const ledger = useQuery({ queryKey: ['ledger', accountId], queryFn: () => call(api.GET('/api/v1/credit/ledger', { params: { query: { accountId: accountId as string } } })), enabled: !!accountId });
  return (
    <Card size="small" title={t('ledger')} style={{ marginTop: 16 }}>
      <Form layout="inline" style={{ marginBottom: 12 }} onFinish={(values: { accountId: string }) => setAccountId(values.accountId.trim())}>
        <Form.Item label={t('creditAccountId')} name="accountId" rules={[{ required: true }]}>
          <Input style={{ width: 340 }} />
        </Form.Item>
        <Button htmlType="submit">{t('search')}</Button>
      </Form>
      <ProblemAlert error={ledger.error} />
      <Table<Posting>
        size="small"
        rowKey="postingKey"
        pagination={false}
        dataSource={ledger.data ?? []}
        columns={[
          { title: t('postingKind'), dataIndex: 'kind', render: (kind: string, row) => <Tag data-testid="posting-kind">{kind}{row.pending ? ' · pending' : ''}</Tag> },
          { title: 'postingKey', dataIndex: 'postingKey' },
          { title: t('entries'), dataIndex: 'entries', render: (entries: Posting['entries']) => entries.map((entry, index) => <div key={index}>{entry.side} {entry.account} {formatFen(entry.amount)}</div>) },
        ]}
      />
    </Card>
  );
}

/**
 * The payment provider's answer to a pending repayment (docs/money-bounds-and-repayments.md):
 * with the simulated provider on ON_CALLBACK, or a manual one such as a bank transfer matched by
 * finance, the operator relays it; the repayment is credited only once confirmed.
 */
function RepaymentConfirmationCard() {
  const t = useT();
  const { api } = useSession();
  const { error, act } = useAction(['ledger']);
  const [answer, setAnswer] = useState<ApiSchema<'RepaymentView'>>();
  return (
    <Card size="small" title={t('confirmRepayment')} style={{ marginTop: 16 }}>
      <ProblemAlert error={error} />
      <Form
        layout="inline"
        style={{ rowGap: 8 }}
        initialValues={{ outcome: 'CONFIRMED' }}
        onFinish={(values: { repaymentId: string; outcome: 'CONFIRMED' | 'DECLINED'; providerReference: string }) =>
          act(async () => setAnswer(await call(api.POST('/api/v1/credit/repayments/{id}/confirmation', { params: { path: { id: values.repaymentId.trim() } }, body: { outcome: values.outcome, providerReference: values.providerReference.trim() } }))))
        }
      >
        <Form.Item label={t('repaymentId')} name="repaymentId" rules={[{ required: true }]}>
          <Input style={{ width: 340 }} />
        </Form.Item>
        <Form.Item label={t('providerReference')} name="providerReference" rules={[{ required: true }]}>
          <Input style={{ width: 220 }} />
        </Form.Item>
        <Form.Item label={t('outcome')} name="outcome">
          <Select style={{ width: 140 }} options={['CONFIRMED', 'DECLINED'].map((value) => ({ value, label: value }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('confirmRepayment')}
        </Button>
      </Form>
      {answer && (
        <Typography.Paragraph style={{ marginTop: 12 }} data-testid="confirmation-answer">
          {answer.status} · {formatFen(answer.amount)}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

/** The operator's page: the platform clock and health, a credit account's ledger, and relaying a repayment's confirmation. */
export function PlatformPage() {
  const t = useT();
  const { api } = useSession();
  const clock = useQuery({ queryKey: ['clock'], queryFn: () => call(api.GET('/api/v1/admin/clock')) });
  const health = useQuery({ queryKey: ['health'], queryFn: () => call(api.GET('/api/v1/health')) });
  return (
    <section aria-labelledby="platform-title">
      <Typography.Title level={3} id="platform-title">
        {t('platform')}
      </Typography.Title>
      <ProblemAlert error={clock.error ?? health.error} />
      <Descriptions bordered size="small" column={1}>
        <Descriptions.Item label={t('clock')}>{clock.data ? JSON.stringify(clock.data) : '—'}</Descriptions.Item>
        <Descriptions.Item label="health">{health.data ? JSON.stringify(health.data) : '—'}</Descriptions.Item>
      </Descriptions>
      <CreditLedgerCard />
      <RepaymentConfirmationCard />
    </section>
  );
}
