import { useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Form, Input, InputNumber, Switch, Table, Typography } from 'antd';
import { ApiSchema, call } from '../api';
import { useT } from '../i18n';
import { formatFen, parseYuan, yuanRule } from '../money';
import { ProblemAlert } from '../problem-view';
import { useSession } from '../session';
import { useAction } from '../use-action';
import { formatTime } from '../time';

type CouponForm = { code: string; amountOff: string; minimumSpend?: string; validity?: [{ toISOString(): string }, { toISOString(): string }] | null; quantity: number };

/** The window a coupon gets when none is picked: from now for 30 days. */
function nextThirtyDays(): [string, string] {
  const now = Date.now();
  return [new Date(now).toISOString(), new Date(now + 30 * 24 * 60 * 60 * 1000).toISOString()];
}

/**
 * 优惠券 (domain.md §1.1a): an amount off above a minimum spend, valid in a window, a number
 * available, once per buyer. Amounts typed in yuan, sent as fen; the list shows what remains.
 */
function CouponsCard() {
  const t = useT();
  const { api } = useSession();
  const { error, act } = useAction(['coupons']);
  const coupons = useQuery({ queryKey: ['coupons'], queryFn: () => call(api.GET('/api/v1/merchant/coupons')) });
  return (
    <Card size="small" title={t('coupons')} style={{ marginTop: 16 }}>
      <ProblemAlert error={error ?? coupons.error} />
      <Form<CouponForm>
        layout="inline"
        style={{ rowGap: 8, marginBottom: 12 }}
        initialValues={{ quantity: 100 }}
        onFinish={(values) =>
          act(() => {
            const [validFrom, validTo] = values.validity ? values.validity.map((end) => end.toISOString()) : nextThirtyDays();
            return call(api.POST('/api/v1/merchant/coupons', { body: { code: values.code.trim(), amountOff: parseYuan(values.amountOff) as number, minimumSpend: values.minimumSpend ? (parseYuan(values.minimumSpend) as number) : 0, validFrom, validTo, quantity: values.quantity } }));
          })
        }
      >
        <Form.Item label={t('couponCode')} name="code" rules={[{ required: true }]}>
          <Input style={{ width: 140 }} placeholder="WELCOME10" />
        </Form.Item>
        <Form.Item label={t('amountOffYuan')} name="amountOff" rules={[{ required: true }, yuanRule]}>
          <Input style={{ width: 100 }} />
        </Form.Item>
        <Form.Item label={t('minimumSpendYuan')} name="minimumSpend" rules={[yuanRule]}>
          <Input style={{ width: 100 }} />
        </Form.Item>
        <Form.Item label={t('validity')} name="validity" extra={t('nextThirtyDays')}>
          <DatePicker.RangePicker showTime aria-label={t('validity')} />
        </Form.Item>
        <Form.Item label={t('couponQuantity')} name="quantity" rules={[{ required: true }]}>
          <InputNumber min={1} precision={0} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('createCoupon')}
        </Button>
      </Form>
      <Table<ApiSchema<'CouponView'>>
        size="small"
        rowKey="code"
        pagination={false}
        dataSource={coupons.data ?? []}
        columns={[
          { title: t('couponCode'), dataIndex: 'code', render: (code: string) => <span data-testid="coupon-code">{code}</span> },
          { title: t('amountOff'), dataIndex: 'amountOff', render: (fen: number) => formatFen(fen) },
          { title: t('minimumSpend'), dataIndex: 'minimumSpend', render: (fen: number) => formatFen(fen) },
          { title: t('validity'), key: 'validity', render: (_, coupon) => `${formatTime(coupon.validFrom)} – ${formatTime(coupon.validTo)}` },
          { title: t('couponQuantity'), dataIndex: 'quantity' },
          { title: t('remaining'), dataIndex: 'remaining', render: (remaining: number) => <span data-testid="coupon-remaining">{remaining}</span> },
        ]}
      />
    </Card>
  );
}

/** Catalog, freight rule and coupons (domain.md §1.1a): the platform prices every order from them. */
export function CatalogPage() {
  const t = useT();
  const { api } = useSession();
  const { error, act } = useAction();
  const skus = useQuery({ queryKey: ['skus'], queryFn: () => call(api.GET('/api/v1/merchant/catalog/skus', {})) });
  const freight = useQuery({ queryKey: ['freight-rule'], queryFn: () => call(api.GET('/api/v1/merchant/freight-rule')) });
  return (
    <section aria-labelledby="catalog-title">
      <Typography.Title level={3} id="catalog-title">
        {t('catalog')}
      </Typography.Title>
      <ProblemAlert error={error ?? skus.error} />
      <Card size="small" title={t('sku')} style={{ marginBottom: 16 }}>
        <Form
          layout="inline"
          style={{ rowGap: 8, marginBottom: 12 }}
          initialValues={{ listed: true }}
          onFinish={(values: { skuId: string; title: string; unitPrice: string; stock?: number | null; listed: boolean }) =>
            act(() => call(api.PUT('/api/v1/merchant/catalog/skus/{skuId}', { params: { path: { skuId: values.skuId } }, body: { title: values.title, unitPrice: parseYuan(values.unitPrice) as number, listed: values.listed, stock: values.stock ?? null } })))
          }
        >
          <Form.Item label={t('skuId')} name="skuId" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item label={t('title')} name="title" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item label={t('amountYuan')} name="unitPrice" rules={[{ required: true }, yuanRule]}>
            <Input style={{ width: 100 }} />
          </Form.Item>
          <Form.Item label={t('stock')} name="stock">
            <InputNumber min={0} precision={0} />
          </Form.Item>
          <Form.Item label={t('listed')} name="listed" valuePropName="checked">
            <Switch />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('save')}
          </Button>
        </Form>
        <Table
          size="small"
          rowKey="skuId"
          pagination={false}
          dataSource={skus.data?.items ?? []}
          columns={[
            { title: t('skuId'), dataIndex: 'skuId' },
            { title: t('title'), dataIndex: 'title' },
            { title: t('unitPrice'), dataIndex: 'unitPrice', render: (fen: number) => formatFen(fen) },
            { title: t('stock'), dataIndex: 'stock', render: (stock: number | null) => stock ?? '∞' },
            { title: t('listed'), dataIndex: 'listed', render: (listed: boolean) => t(listed ? 'yes' : 'no') },
          ]}
        />
      </Card>
      <Card size="small" title={t('freightRule')}>
        {freight.data && (
          <Typography.Paragraph>
            {formatFen(freight.data.amount)} {freight.data.freeAbove !== null ? `· ${t('freeAbove')} ${formatFen(freight.data.freeAbove)}` : ''}
          </Typography.Paragraph>
        )}
        <Form layout="inline" onFinish={(values: { amount: string; freeAbove?: string }) => act(() => call(api.PUT('/api/v1/merchant/freight-rule', { body: { amount: parseYuan(values.amount) as number, freeAbove: values.freeAbove ? (parseYuan(values.freeAbove) as number) : null } })))}>
          <Form.Item label={t('amountYuan')} name="amount" rules={[{ required: true }, yuanRule]}>
            <Input style={{ width: 100 }} />
          </Form.Item>
          <Form.Item label={t('freeAbove')} name="freeAbove" rules={[yuanRule]}>
            <Input style={{ width: 100 }} />
          </Form.Item>
          <Button htmlType="submit">{t('save')}</Button>
        </Form>
      </Card>
      <CouponsCard />
    </section>
  );
}
