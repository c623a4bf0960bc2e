import { memo, useCallback, useState } from 'react';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { OrderlineClient } from '@orderline/shared/api-client';
import { Button, DatePicker, Form, Input, Select, Space, Typography } from 'antd';
import { call } from '../api';
import { useT } from '../i18n';
import { ProblemAlert } from '../problem-view';
import { useSession } from '../session';
import { ShipDialog, ShipMode } from './ship-dialog';
import { RemarkDialog } from './order-remarks';
import { OrderTable, type OrderRow } from './order-table';
import { StatusTabs } from './status-tabs';

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
    queryFn: () => call(api.GET('/api/v1/merchant/orders', { params: { query: { ...filters, ...(status === 'ALL' ? {} : { status: status as OrderRow['status'] }), ...(cursor ? { cursor } : {}), limit: '20' } } })),
    staleTime: LIST_REFRESH_MS,
  });
}

/**
 * The filters of domain.md §1.10. Memoised: the rows and tab counts arriving (and the ten-second
 * refresh) render the page again, and this form, with its date-range picker, is the costliest part
 * of it that does not change with them.
 */
const OrderFilters = memo(function OrderFilters({ applied, onApply }: { applied: Query; onApply: (query: Query) => void }) {
  const t = useT();
  const [form] = Form.useForm<Filters>();
  // The everyday filters show; the rest of §1.10 opens on demand (Ant Design Pro's collapsed
  // query form): eight selects fewer to build on every first render of the busiest page.
  const [moreFilters, setMoreFilters] = useState(false);
  return (
    <Form form={form} layout="inline" style={{ rowGap: 8, marginBottom: 16 }} onFinish={() => onApply(queryOf(form.getFieldsValue(true)))}>
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
        <Button onClick={() => { form.resetFields(); onApply({}); }}>{t('reset')}</Button>
        <Button type="link" aria-expanded={moreFilters} onClick={() => setMoreFilters(!moreFilters)}>
          {moreFilters ? t('fewerFilters') : `${t('moreFilters')}${countSuffix(hiddenFilterCount(applied) || undefined)}`}
        </Button>
      </Space>
    </Form>
  );
});

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
  // Both stable (state setters only), so the memoised filter form does not render again with the rows.
  const restart = useCallback(() => {
    setCursors([]);
    setSelected([]);
  }, []);
  const applyFilters = useCallback((query: Query) => {
    setFilters(query);
    restart();
  }, [restart]);
  const selectedRows = (list.data?.items ?? []).filter((row) => selected.includes(row.id));
  const shippable = selectedRows.filter((row) => row.status === 'WAITING_OUTBOUND').map((row) => row.id);

  return (
    <section aria-labelledby="orders-title">
      <Typography.Title level={3} id="orders-title">
        {t('orders')}
      </Typography.Title>
      <OrderFilters applied={filters} onApply={applyFilters} />
      <ProblemAlert error={list.error} />
      <StatusTabs
        active={status}
        onChange={(key) => { setStatus(key); restart(); }}
        // Counts as text, 待发货 (25): eight animated badges cost the first render more than they showed.
        tabs={[{ key: 'ALL', label: `${t('all')}${countSuffix(total)}` }, ...ORDER_STATUSES.map((key) => ({ key, label: `${t(key)}${countSuffix(counts?.[key])}`, testId: `tab-${key}` }))]}
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
      <OrderTable
        rows={list.data?.items}
        // A spinner while the rows shown are not the answer to this tab and filter yet (first load,
        // or the previous rows kept while a new query runs); the ten-second refresh keeps them still.
        loading={list.isPending || list.isPlaceholderData}
        selected={selected}
        onSelect={setSelected}
        onShip={(orderId) => setShipping({ mode: 'single', orderIds: [orderId] })}
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
