import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, Select, Table, Tag, Typography } from 'antd';
import { ApiSchema, call } from '../api';
import { useT } from '../i18n';
import { formatFen, parseYuan, yuanRule } from '../money';
import { ProblemAlert } from '../problem-view';
import { useSession } from '../session';
import { useAction } from '../use-action';

type Loan = ApiSchema<'LoanView'>;
type Repayment = ApiSchema<'RepaymentView'>;
type StatementLine = ApiSchema<'StatementLineView'>;

/** One statement as issued (`GET /credit/statements/{id}`): what was billed, carried over, credited, and what is due. */
function StatementCard({ id }: { id: string }) {
  const t = useT();
  const { api } = useSession();
  const statement = useQuery({ queryKey: ['statement', id], queryFn: () => call(api.GET('/api/v1/credit/statements/{id}', { params: { path: { id } } })) });
  const view = statement.data;
  const lines = (title: string, rows: StatementLine[]) =>
    rows.length > 0 && (
      <Table<StatementLine>
        size="small"
        style={{ marginTop: 12 }}
        title={() => title}
        rowKey={(row) => `${row.loanId}-${row.periodIndex}`}
        pagination={false}
        dataSource={rows}
        columns={[
          { title: t('orderId'), dataIndex: 'orderId', render: (orderId: string) => orderId.slice(0, 8) },
          { title: t('period'), key: 'period', render: (_, row) => `${row.periodIndex}/${row.periodCount}` },
          { title: t('dueDate'), dataIndex: 'dueDate' },
          { title: t('status'), dataIndex: 'status', render: (status: string) => <Tag>{status}</Tag> },
          { title: t('principal'), dataIndex: 'principal', render: (fen: number) => formatFen(fen) },
          { title: t('fee'), dataIndex: 'fee', render: (fen: number) => formatFen(fen) },
          { title: t('lateFee'), dataIndex: 'lateFee', render: (fen: number) => formatFen(fen) },
          { title: t('owed'), dataIndex: 'owed', render: (fen: number) => formatFen(fen) },
        ]}
      />
    );
  return (
    <Card size="small" title={`${t('statement')} ${view?.statementDate ?? ''}`} style={{ marginTop: 16 }} data-testid="statement-detail">
      <ProblemAlert error={statement.error} />
      {view && (
        <>
          <Descriptions size="small" column={4}>
            <Descriptions.Item label={t('newCharges')}>{formatFen(view.newCharges)}</Descriptions.Item>
            <Descriptions.Item label={t('carriedOver')}>{formatFen(view.carriedOver)}</Descriptions.Item>
            <Descriptions.Item label={t('refund')}>{formatFen(view.credits)}</Descriptions.Item>
            <Descriptions.Item label={t('balanceApplied')}>{formatFen(view.balanceApplied)}</Descriptions.Item>
            <Descriptions.Item label={t('dueDate')}>{view.dueDate}</Descriptions.Item>
            <Descriptions.Item label={t('amountDue')}>
              <span data-testid="statement-amount-due">{formatFen(view.amountDue)}</span>
            </Descriptions.Item>
          </Descriptions>
          {lines(t('billedLines'), view.billedLines)}
          {lines(t('carriedOverLines'), view.carriedOverLines)}
        </>
      )}
    </Card>
  );
}

/**
 * 还款: an amount typed in yuan, sent as integer fen. The credit-billing service decides what it
 * may be (docs/money-bounds-and-repayments.md: what is due now plus the overpayment cap) and how
 * it is allocated (domain.md §4.4: late fee → fee → principal, oldest due first, the rest to the
 * balance). The repayment id is chosen here so that sending the same repayment twice (a double
 * click, a retry) is recognised as one; a new id is taken once one went through.
 */
function RepaymentCard({ loans }: { loans: Loan[] }) {
  const t = useT();
  const { api } = useSession();
  const { error, act } = useAction();
  const [repaymentId, setRepaymentId] = useState(() => crypto.randomUUID());
  const [done, setDone] = useState<Repayment>();
  return (
    <Card size="small" title={t('repay')} style={{ marginTop: 16 }}>
      <Typography.Paragraph type="secondary">{t('repaymentRules')}</Typography.Paragraph>
      <ProblemAlert error={error} />
      <Form
        layout="inline"
        style={{ rowGap: 8 }}
        onFinish={(values: { amount: string; loanId?: string }) =>
          act(async () => {
            const repayment = await call(api.POST('/api/v1/credit/repayments', { body: { amount: parseYuan(values.amount) as number, repaymentId, ...(values.loanId ? { loanId: values.loanId } : {}) } }));
            setDone(repayment);
            setRepaymentId(crypto.randomUUID());
          })
        }
      >
        <Form.Item label={t('repaymentYuan')} name="amount" rules={[{ required: true }, yuanRule]}>
          <Input style={{ width: 140 }} />
        </Form.Item>
        <Form.Item label={t('loan')} name="loanId">
          <Select allowClear style={{ width: 220 }} options={loans.filter((loan) => !loan.settled).map((loan) => ({ value: loan.id, label: `${t('orderId')} ${loan.orderId.slice(0, 8)}` }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('repay')}
        </Button>
      </Form>
      {done && (
        <Alert
          role="status"
          type={done.status === 'DECLINED' ? 'warning' : 'success'}
          style={{ marginTop: 12 }}
          title={<span data-testid="repayment-status">{done.status} · {formatFen(done.amount)}</span>}
          description={
            done.status === 'CREDITED'
              ? `${t('principal')} ${formatFen(done.principalRepaid ?? 0)} · ${t('fee')} ${formatFen(done.feePaid ?? 0)} · ${t('lateFee')} ${formatFen(done.lateFeePaid ?? 0)} · ${t('toBalance')} ${formatFen(done.toBalance ?? 0)}`
              : done.status === 'INITIATED'
                ? `${t('repaymentPending')} (${done.provider ?? ''} ${done.providerReference ?? ''})`
                : t('repaymentDeclined')
          }
        />
      )}
    </Card>
  );
}

/**
 * 我的白条: the credit line, each loan's plan with its periods, the statements with their detail,
 * and repayment. A refund or a repayment shows as the plan and what is owed shrinking.
 */
export function BuyerCreditPage() {
  const t = useT();
  const { api } = useSession();
  // Refund offsets arrive by events after the after-sales flow: refresh while the page is open.
  const account = useQuery({ queryKey: ['credit-account'], queryFn: () => call(api.GET('/api/v1/credit/account')), refetchInterval: 2_000 });
  const loans = useQuery({ queryKey: ['loans'], queryFn: () => call(api.GET('/api/v1/credit/loans', {})), refetchInterval: 2_000 });
  const statements = useQuery({ queryKey: ['statements'], queryFn: () => call(api.GET('/api/v1/credit/statements')) });
  const [statementId, setStatementId] = useState<string>();
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
          <Descriptions.Item label={t('outstanding')}>
            <span data-testid="credit-outstanding">{formatFen(line.outstanding)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('balance')}>
            <span data-testid="credit-balance">{formatFen(line.balance)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('creditAccountId')}>{line.id}</Descriptions.Item>
        </Descriptions>
      )}
      <RepaymentCard loans={loans.data ?? []} />
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
          { title: t('statementDate'), dataIndex: 'statementDate' },
          { title: t('dueDate'), dataIndex: 'dueDate' },
          { title: t('amountDue'), dataIndex: 'amountDue', render: (fen: number) => formatFen(fen) },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, row) => (
              <Button size="small" aria-label={`${t('statementDetail')} ${row.statementDate}`} onClick={() => setStatementId(row.id)}>
                {t('statementDetail')}
              </Button>
            ),
          },
        ]}
      />
      {statementId && <StatementCard id={statementId} />}
    </section>
  );
}
