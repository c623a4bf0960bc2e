import { useState } from 'react';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { OrderlineClient } from '@orderline/shared/api-client';
import { Button, DatePicker, Form, Input, Select, Space, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { ApiSchema, call } from '../api';
import { useT } from '../i18n';
import { formatFen } from '../money';
import { ProblemAlert } from '../problem-view';
import { navigate } from '../router';
import { useSession } from '../session';
import { ShipDialog, ShipMode } from './ship-dialog';
import { RemarkDialog, RemarksCell } from './order-remarks';
import { cancellationRequestIdOf } from './cancellation-requests';
import { PageLink } from '../page-link';

type Row = ApiSchema<'MerchantOrderListItemView'>;
type Query = Record<string, string>;

export const ORDER_STATUSES = ['UNPAID', 'WAITING_OUTBOUND', 'PAUSED', 'SHIPPED', 'DELIVERED', 'COMPLETED', 'CANCELLED'] as const;
const KINDS = ['CROSS_BORDER', 'CUSTOMS_AUCTION', 'RESERVATION', 'PRESALE', 'GROUP_BUY', 'SUBSCRIPTION', 'LOCAL_SERVICE_VOUCHER', 'GIFT_SHIPPED_LATER', 'SIM_CARD', 'TOP_UP_GIFT', 'CUSTOMISED'];

interface Filters {
  range?: [{ toISOString(): string } | null, { toISOString(): string } | null] | null;
  orderId?: string;
  buyerId?: string;
  skuId?: string;
  paymentMethod?: string;
  riskFlag?: string;
  kind?: string;
  hasBuyerNote?: string;
  hasAfterSales?: string;
  hasRefund?: string;
  shippingDeadline?: string;
}

/** Filters of domain.md §1.10 as the list's query parameters (blank ones left out). */
function queryOf(filters: Filters): Query {
  const query: Record<string, string> = {};
  const [from, to] = filters.range ?? [];
  if (from) query['from'] = from.toISOString();
  if (to) query['to'] = to.toISOString();
  for (const key of ['orderId', 'buyerId', 'skuId', 'paymentMethod', 'riskFlag', 'kind', 'hasBuyerNote', 'hasAfterSales', 'hasRefund', 'shippingDeadline'] as const) {
    const value = filters[key]?.trim();
    if (value) query[key] = value;
  }
  return query;
}

/** A count after a label, 待发货 (25): nothing until there is one to show. */
function countSuffix(count: number | undefined): string {
  return count === undefined ? '' : ` (${count.toLocaleString()})`;
}

/** The filters shown without opening "more filters". */
const EVERYDAY_FILTERS = new Set(['from', 'to', 'orderId', 'buyerId']);

/** How many applied filters the collapsed form does not show (named on its "more filters" button). */
function hiddenFilterCount(query: Query): number {
  return Object.keys(query).filter((key) => !EVERYDAY_FILTERS.has(key)).length;
}

/** The consignee as listed (masked, domain.md §6.1), revealed in clear on demand: the gateway logs each reveal. */
function ConsigneeCell({ row }: { row: Row }) {
  const t = useT();
  const { api } = useSession();
  const [revealed, setRevealed] = useState<ApiSchema<'ConsigneeView'>>();
  const [error, setError] = useState<unknown>();
  const consignee = revealed ?? row.consignee;
  return (
    <div>
      <div data-testid="consignee">
        {consignee.name} {consignee.phone}
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {consignee.address.province}
        {consignee.address.city}
        {consignee.address.county} {consignee.address.detail}
      </Typography.Text>
      {revealed ? (
        <Tag color="orange">{t('revealed')}</Tag>
      ) : (
        <Button
          size="small"
          type="link"
          aria-label={`${t('reveal')} ${t('consignee')} ${row.id.slice(0, 8)}`}
          onClick={async () => {
            try {
              setRevealed((await call(api.GET('/api/v1/merchant/orders/{id}', { params: { path: { id: row.id }, query: { reveal: 'true' } } }))).consignee);
            } catch (failure) {
              setError(failure);
            }
          }}
        >
          {t('reveal')}
        </Button>
      )}
      {error ? <ProblemAlert error={error} /> : null}
    </div>
  );
}

/** How often an open order list asks again (paused while the browser tab is hidden). */
const LIST_REFRESH_MS = 10_000;

/**
 * One page of the order list with its tab counts. Shared by the page and main.tsx, which starts
 * the first page's call before React renders anything; the page then finds it fresh instead of
 * asking again (one count over every order of the shop is the costly part on a big shop).
 */
export function orderListQuery(api: OrderlineClient, status: string, filters: Query, cursor: string | undefined) {
  return queryOptions({
    queryKey: ['merchant-orders', status, filters, cursor],
    queryFn: () => call(api.GET('/api/v1/merchant/orders', { params: { query: { ...filters, ...(status === 'ALL' ? {} : { status: status as Row['status'] }), ...(cursor ? { cursor } : {}), limit: '20' } } })),
    staleTime: LIST_REFRESH_MS,
  });
}

/** 订单查询与跟踪 (domain.md §1.10): status tabs with counts, filters, keyset-cursor pages, outbound. */
export function MerchantOrdersPage() {
  const t = useT();
  const { api } = useSession();
  const [status, setStatus] = useState<string>('ALL');
  const [filters, setFilters] = useState<Query>({});
  // The API pages by keyset cursor: the stack of cursors that led to this page is what "previous" needs.
  const [cursors, setCursors] = useState<string[]>([]);
  const [selected, setSelected] = useState<string[]>([]);
  const [shipping, setShipping] = useState<{ mode: ShipMode; orderIds: string[] }>();
  const [remarking, setRemarking] = useState<string[]>();
  const [form] = Form.useForm<Filters>();
  // The everyday filters show; the rest of §1.10 opens on demand (Ant Design Pro's collapsed
  // query form): eight selects fewer to build on every first render of the busiest page.
  const [moreFilters, setMoreFilters] = useState(false);
  const cursor = cursors[cursors.length - 1];
  const list = useQuery({
    ...orderListQuery(api, status, filters, cursor),
    placeholderData: keepPreviousData,
    // Statuses move after the action that caused them (an order turns SHIPPED once logistics'
    // dispatch event arrives), so an open list refreshes its rows and tab counts by itself.
    refetchInterval: LIST_REFRESH_MS,
  });
  const counts = list.data?.counts;
  const total = counts ? Object.values(counts).reduce((sum, count) => sum + count, 0) : undefined;
  const restart = () => {
    setCursors([]);
    setSelected([]);
  };
  const selectedRows = (list.data?.items ?? []).filter((row) => selected.includes(row.id));
  const shippable = selectedRows.filter((row) => row.status === 'WAITING_OUTBOUND').map((row) => row.id);

  return (
    <section aria-labelledby="orders-title">
      <Typography.Title level={3} id="orders-title">
        {t('orders')}
      </Typography.Title>
      <Form form={form} layout="inline" style={{ rowGap: 8, marginBottom: 16 }} onFinish={() => { setFilters(queryOf(form.getFieldsValue(true))); restart(); }}>
        <Form.Item label={t('placedBetween')} name="range">
          <DatePicker.RangePicker showTime aria-label={t('placedBetween')} />
        </Form.Item>
        <Form.Item label={t('orderId')} name="orderId">
          <Input allowClear style={{ width: 300 }} />
        </Form.Item>
        <Form.Item label={t('buyerId')} name="buyerId">
          <Input allowClear style={{ width: 300 }} />
        </Form.Item>
        {moreFilters && (
          <>
            <Form.Item label={t('skuId')} name="skuId">
              <Input allowClear />
            </Form.Item>
            <Form.Item label={t('paymentMethod')} name="paymentMethod">
              <Select allowClear style={{ width: 130 }} options={['ONLINE', 'COD', 'CREDIT'].map((value) => ({ value, label: t(value) }))} />
            </Form.Item>
            <Form.Item label={t('riskFlag')} name="riskFlag">
              <Select allowClear style={{ width: 90 }} options={[{ value: 'true', label: t('yes') }, { value: 'false', label: t('no') }]} />
            </Form.Item>
            <Form.Item label={t('kind')} name="kind">
              <Select allowClear style={{ width: 200 }} options={KINDS.map((value) => ({ value, label: value }))} />
            </Form.Item>
            <Form.Item label={t('hasBuyerNote')} name="hasBuyerNote">
              <Select allowClear style={{ width: 90 }} options={[{ value: 'true', label: t('yes') }, { value: 'false', label: t('no') }]} />
            </Form.Item>
            <Form.Item label={t('hasAfterSales')} name="hasAfterSales">
              <Select allowClear style={{ width: 90 }} options={[{ value: 'true', label: t('yes') }, { value: 'false', label: t('no') }]} />
            </Form.Item>
            <Form.Item label={t('hasRefund')} name="hasRefund">
              <Select allowClear style={{ width: 90 }} options={[{ value: 'true', label: t('yes') }, { value: 'false', label: t('no') }]} />
            </Form.Item>
            <Form.Item label={t('shippingDeadline')} name="shippingDeadline">
              <Select allowClear style={{ width: 130 }} options={['WARNING', 'TIMED_OUT'].map((value) => ({ value, label: t(value) }))} />
            </Form.Item>
          </>
        )}
        <Space>
          <Button type="primary" htmlType="submit">
            {t('search')}
          </Button>
          <Button onClick={() => { form.resetFields(); setFilters({}); restart(); }}>{t('reset')}</Button>
          <Button type="link" aria-expanded={moreFilters} onClick={() => setMoreFilters(!moreFilters)}>
            {moreFilters ? t('fewerFilters') : `${t('moreFilters')}${countSuffix(hiddenFilterCount(filters) || undefined)}`}
          </Button>
        </Space>
      </Form>
      <ProblemAlert error={list.error} />
      <Tabs
        activeKey={status}
        onChange={(key) => { setStatus(key); restart(); }}
        // Counts as text, 待发货 (25): eight animated badges cost the first render more than they showed.
        items={[{ key: 'ALL', label: <span>{t('all')}{countSuffix(total)}</span> }, ...ORDER_STATUSES.map((key) => ({ key, label: <span data-testid={`tab-${key}`}>{t(key)}{countSuffix(counts?.[key])}</span> }))]}
      />
      <Space style={{ marginBottom: 12 }}>
        <Button disabled={!shippable.length} onClick={() => setShipping({ mode: 'batch', orderIds: shippable })}>
          {t('batchShip')}
        </Button>
        <Button disabled={shippable.length < 2} onClick={() => setShipping({ mode: 'merged', orderIds: shippable })}>
          {t('mergedShip')}
        </Button>
        <Button disabled={!selectedRows.length} onClick={() => setRemarking(selectedRows.map((row) => row.id))}>
          {t('batchRemark')}
        </Button>
      </Space>
      <Table<Row>
        rowKey="id"
        size="small"
        // A spinner while the rows shown are not the answer to this tab and filter yet (first load,
        // or the previous rows kept while a new query runs); the ten-second refresh keeps them still.
        loading={list.isPending || list.isPlaceholderData}
        dataSource={list.data?.items}
        pagination={false}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]), getCheckboxProps: (row) => ({ 'aria-label': `${t('orderId')} ${row.id.slice(0, 8)}` }) as object }}
        columns={[
          {
            title: t('orderId'),
            dataIndex: 'id',
            render: (id: string, row) => (
              <div>
                <a href={`/orders/${id}`} onClick={(event) => { event.preventDefault(); navigate(`/orders/${id}`); }} data-testid="order-link">
                  {id.slice(0, 8)}
                </a>
                <div style={{ fontSize: 12, color: '#888' }}>{new Date(row.createdAt).toLocaleString()}</div>
              </div>
            ),
          },
          { title: t('status'), dataIndex: 'status', render: (value: string, row) => <Tag data-testid="order-status">{t(value)}{row.pause ? ` · ${t(row.pause.reason)}` : ''}</Tag> },
          { title: t('goods'), dataIndex: 'lines', render: (lines: Row['lines']) => lines.map((line) => <div key={line.skuId}>{line.title} × {line.quantity} @ {formatFen(line.unitPrice)}</div>) },
          { title: t('payable'), dataIndex: 'payable', render: (fen: number) => formatFen(fen) },
          { title: t('paymentMethod'), dataIndex: 'paymentMethod', render: (value: string) => t(value) },
          { title: t('consignee'), key: 'consignee', render: (_, row) => <ConsigneeCell row={row} /> },
          { title: t('remarks'), dataIndex: 'remarks', render: (remarks: Row['remarks']) => <RemarksCell remarks={remarks} /> },
          { title: t('buyerNote'), dataIndex: 'buyerNote', render: (note: string | null) => note && <Tooltip title={note}><Typography.Text ellipsis style={{ maxWidth: 120 }} tabIndex={0}>{note}</Typography.Text></Tooltip> },
          {
            title: t('flags'),
            key: 'flags',
            render: (_, row) => (
              <Space size={2} wrap>
                {row.riskFlag && <Tag color="red">{t('riskFlag')}</Tag>}
                {row.kinds.map((kind) => <Tag key={kind}>{kind}</Tag>)}
                {row.bonded !== null && <Tag>{row.bonded ? 'bonded' : 'direct mail'}</Tag>}
                {row.mergeGroup && <Tag color="purple">{t('merged')}</Tag>}
                {row.shippingDeadline && row.shippingDeadline.state !== 'NONE' && <Tag color="orange">{t(row.shippingDeadline.state)}</Tag>}
                {row.afterSalesLinks.length > 0 && <Tag color="blue">{t('afterSales')} {row.afterSalesLinks.length}</Tag>}
                {row.refundedAmount > 0 && <Tag color="gold">{t('refund')} {formatFen(row.refundedAmount)}</Tag>}
                {row.cancellation && <Tag>{t('CANCELLED')}: {row.cancellation.reason}</Tag>}
                {row.cancellationRequestLink && (
                  <PageLink path={`/cancellation-requests/${cancellationRequestIdOf(row.cancellationRequestLink)}`}>
                    <Tag color="volcano">{t('cancellationRequests')}</Tag>
                  </PageLink>
                )}
              </Space>
            ),
          },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, row) =>
              row.status === 'WAITING_OUTBOUND' && (
                <Button size="small" type="primary" aria-label={`${t('ship')} ${row.id.slice(0, 8)}`} onClick={() => setShipping({ mode: 'single', orderIds: [row.id] })}>
                  {t('ship')}
                </Button>
              ),
          },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        <Button disabled={!cursors.length} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t('previous')}
        </Button>
        <Button disabled={!list.data?.nextCursor} onClick={() => list.data?.nextCursor && setCursors([...cursors, list.data.nextCursor])}>
          {t('next')}
        </Button>
      </Space>
      {remarking && <RemarkDialog orderIds={remarking} onClose={() => { setRemarking(undefined); setSelected([]); }} />}
      {shipping && <ShipDialog mode={shipping.mode} orderIds={shipping.orderIds} onClose={() => { setShipping(undefined); setSelected([]); }} />}
    </section>
  );
}
