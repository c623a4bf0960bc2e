import { Button, Card, Form, Input, Select, Table } from 'antd';
import { ApiSchema, call } from '../api';
import { useT } from '../i18n';
import { formatFen, parseYuan, yuanRule } from '../money';
import { ProblemAlert } from '../problem-view';
import { useSession } from '../session';
import { useAction } from '../use-action';

type Order = ApiSchema<'MerchantOrderView'>;
type Fee = Order['serviceFees'][number];
type FeesForm = { freight?: string; feeType?: string; feeAmount?: string; skuIds?: string[] };

/**
 * 修改运费/服务费 (domain.md §1.7) on an unpaid order's detail: the new freight, and a service fee
 * per fee type with the SKUs it applies to. Amounts are typed in yuan and sent as fen; the order
 * service decides (unpaid only, not COD or cross-border, the caps of
 * docs/money-bounds-and-repayments.md) and its refusal is shown with the field it concerns.
 */
export function OrderFeesCard({ order }: { order: Order }) {
  const t = useT();
  const { api } = useSession();
  const { error, act } = useAction();
  const skuIds = [...new Set(order.lines.map((line) => line.skuId))];
  return (
    <Card title={t('changeFees')} size="small" style={{ marginTop: 16 }}>
      <ProblemAlert error={error} />
      {order.serviceFees.length > 0 && (
        <Table<Fee>
          size="small"
          style={{ marginBottom: 12 }}
          pagination={false}
          rowKey="feeType"
          dataSource={order.serviceFees}
          columns={[
            { title: t('feeType'), dataIndex: 'feeType' },
            { title: t('fee'), dataIndex: 'amount', render: (fen: number) => <span data-testid="service-fee">{formatFen(fen)}</span> },
            { title: t('appliesTo'), dataIndex: 'appliesTo', render: (lines: Fee['appliesTo']) => lines.map((line) => `${line.title} ${formatFen(line.unitPrice)} × ${line.quantity}`).join(', ') },
          ]}
        />
      )}
      <Form<FeesForm>
        layout="inline"
        style={{ rowGap: 8 }}
        onFinish={(values) => {
          const body: ApiSchema<'ChangeFeesRequest'> = {
            ...(values.freight ? { freight: parseYuan(values.freight) as number } : {}),
            ...(values.feeType ? { serviceFees: [{ feeType: values.feeType, amount: values.feeAmount ? (parseYuan(values.feeAmount) as number) : 0, ...(values.skuIds?.length ? { skuIds: values.skuIds } : {}) }] } : {}),
          };
          return act(() => call(api.PATCH('/api/v1/merchant/orders/{id}/fees', { params: { path: { id: order.id } }, body })));
        }}
      >
        <Form.Item label={t('freightYuan')} name="freight" rules={[yuanRule]}>
          <Input style={{ width: 120 }} />
        </Form.Item>
        <Form.Item label={t('feeType')} name="feeType">
          <Input style={{ width: 140 }} placeholder="INSTALLATION" />
        </Form.Item>
        <Form.Item label={t('feeYuan')} name="feeAmount" rules={[yuanRule]}>
          <Input style={{ width: 120 }} />
        </Form.Item>
        <Form.Item label={t('appliesTo')} name="skuIds">
          <Select mode="multiple" style={{ minWidth: 160 }} options={skuIds.map((value) => ({ value, label: value }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('changeFees')}
        </Button>
      </Form>
    </Card>
  );
}
