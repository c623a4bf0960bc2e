import { useQuery } from '@tanstack/react-query';
import { Button, Card, Form, Input, InputNumber, Switch, Table, Typography } from 'antd';
import { call } from '../api';
import { useT } from '../i18n';
import { formatFen, parseYuan, yuanRule } from '../money';
import { ProblemAlert } from '../problem-view';
import { useSession } from '../session';
import { useAction } from '../use-action';

/** Catalog and freight rule (domain.md §1.1a): the platform prices every order from them. */
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
    </section>
  );
}
