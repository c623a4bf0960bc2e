import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Table, Tag, Typography } from 'antd';
import { ApiSchema, call } from '../api';
import { useT } from '../i18n';
import { formatFen } from '../money';
import { ProblemAlert } from '../problem-view';
import { useSession } from '../session';

type Loan = ApiSchema<'LoanView'>;

/** 我的白条: the credit line, each loan's plan with its periods, and the statements. A refund shows as the plan shrinking. */
export function BuyerCreditPage() {
  const t = useT();
  const { api } = useSession();
  // Refund offsets arrive by events after the after-sales flow: refresh while the page is open.
  const account = useQuery({ queryKey: ['credit-account'], queryFn: () => call(api.GET('/api/v1/credit/account')), refetchInterval: 2_000 });
  const loans = useQuery({ queryKey: ['loans'], queryFn: () => call(api.GET('/api/v1/credit/loans', {})), refetchInterval: 2_000 });
  const statements = useQuery({ queryKey: ['statements'], queryFn: () => call(api.GET('/api/v1/credit/statements')) });
  const line = account.data;
  return (
    <section aria-labelledby="credit-title">
      <Typography.Title level={3} id="credit-title">
        {t('myCredit')}
      </Typography.Title>
      <ProblemAlert error={account.error ?? loans.error ?? statements.error} />
      {line && (
        <Descriptions bordered size="small" column={5} title={t('creditLine')}>
          <Descriptions.Item label={t('limit')}>{formatFen(line.limit)}</Descriptions.Item>
          <Descriptions.Item label={t('held')}>{formatFen(line.held)}</Descriptions.Item>
          <Descriptions.Item label={t('available')}>
            <span data-testid="credit-available">{formatFen(line.available)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('outstanding')}>{formatFen(line.outstanding)}</Descriptions.Item>
          <Descriptions.Item label={t('balance')}>{formatFen(line.balance)}</Descriptions.Item>
        </Descriptions>
      )}
      <Typography.Title level={4} style={{ marginTop: 24 }}>
        {t('loans')}
      </Typography.Title>
      {(loans.data ?? []).map((loan: Loan) => (
        <Card key={loan.id} size="small" style={{ marginBottom: 16 }} data-testid="loan" title={`${t('orderId')} ${loan.orderId.slice(0, 8)} · ${loan.plan} ${loan.periodCount}`} extra={loan.settled && <Tag color="green">settled</Tag>}>
          <Descriptions size="small" column={3}>
            <Descriptions.Item label={t('principal')}>{formatFen(loan.principal)}</Descriptions.Item>
            <Descriptions.Item label={t('outstandingPrincipal')}>
              <span data-testid="loan-outstanding">{formatFen(loan.outstandingPrincipal)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('refundedPrincipal')}>
              <span data-testid="loan-refunded">{formatFen(loan.refundedPrincipal)}</span>
            </Descriptions.Item>
          </Descriptions>
          <Table
            size="small"
            rowKey="index"
            pagination={false}
            dataSource={loan.periods}
            columns={[
              { title: t('period'), dataIndex: 'index' },
              { title: t('dueDate'), dataIndex: 'dueDate' },
              { title: t('status'), dataIndex: 'status', render: (status: string) => <Tag>{status}</Tag> },
              { title: t('principal'), dataIndex: 'principal', render: (fen: number) => formatFen(fen) },
              { title: t('fee'), dataIndex: 'fee', render: (fen: number) => formatFen(fen) },
              { title: t('refund'), dataIndex: 'credited', render: (fen: number) => formatFen(fen) },
              { title: t('owed'), dataIndex: 'owed', render: (fen: number) => <span data-testid="period-owed">{formatFen(fen)}</span> },
            ]}
          />
        </Card>
      ))}
      <Typography.Title level={4}>{t('statements')}</Typography.Title>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={statements.data ?? []}
        columns={[
          { title: 'statementDate', dataIndex: 'statementDate' },
          { title: t('dueDate'), dataIndex: 'dueDate' },
          { title: t('amountDue'), dataIndex: 'amountDue', render: (fen: number) => formatFen(fen) },
        ]}
      />
    </section>
  );
}
