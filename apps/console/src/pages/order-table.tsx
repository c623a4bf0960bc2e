import { useState, type ReactNode } from 'react';
import { Spin, Tooltip } from 'antd';
import { ApiSchema, call } from '../api';
import { useT } from '../i18n';
import { formatFen } from '../money';
import { ProblemAlert } from '../problem-view';
import { useSession } from '../session';
import { cancellationRequestIdOf } from './cancellation-requests';
import { PageLink } from '../page-link';
import { formatTime } from '../time';
import './order-table.css';

// The order list's rows, drawn as the markup and class names of Ant Design's small Table and Tag
// (so antd.css styles them as before; order-table.css adds the rest) without their components.
// The list is the page a merchant lands on and the one issue 17 times on a 1M-order shop: 20 rows
// × 11 cells of Table cells, checkboxes, tags, buttons and tooltips were most of the first page's
// script time (each antd component reads the theme, sets up wave and motion, and the Table
// measures the scrollbar). What is rare per row (the revealed consignee's error, a note's tooltip)
// is still Ant Design, mounted when used.

export type OrderRow = ApiSchema<'MerchantOrderListItemView'>;

type TagColor = 'red' | 'orange' | 'purple' | 'blue' | 'gold' | 'volcano';

/** Ant Design's filled Tag as markup. */
function Tag({ color, children, testId }: { color?: TagColor; children: ReactNode; testId?: string }) {
  return (
    <span className={color ? `ant-tag ant-tag-filled ant-tag-${color}` : 'ant-tag ant-tag-filled'} data-testid={testId}>
      {children}
    </span>
  );
}

/** A small link button (or the primary one) styled like Ant Design's. */
function LinkButton({ label, onClick, children, primary }: { label: string; onClick: () => void; children: ReactNode; primary?: boolean }) {
  return (
    <button type="button" className={primary ? 'order-table-button primary' : 'order-table-button'} aria-label={label} onClick={onClick}>
      {children}
    </button>
  );
}

/**
 * Text cut to one line with its whole text on hover or focus. The Tooltip mounts on the first
 * hover or focus: most notes on a page are never pointed at.
 */
function HoverText({ text, maxWidth, children, testId }: { text: string; maxWidth: number; children: ReactNode; testId?: string }) {
  const [pointed, setPointed] = useState(false);
  const body = (
    <span className="order-table-ellipsis" style={{ maxWidth }} tabIndex={0} data-testid={testId} onMouseEnter={() => setPointed(true)} onFocus={() => setPointed(true)}>
      {children}
    </span>
  );
  return pointed ? (
    <Tooltip title={<span style={{ whiteSpace: 'pre-line' }}>{text}</span>} defaultOpen trigger={['hover', 'focus']}>
      {body}
    </Tooltip>
  ) : (
    body
  );
}

/** The consignee as listed (masked, domain.md §6.1), revealed in clear on demand: the gateway logs each reveal. */
function ConsigneeCell({ row }: { row: OrderRow }) {
  const t = useT();
  const { api } = useSession();
  const [revealed, setRevealed] = useState<ApiSchema<'ConsigneeView'>>();
  const [error, setError] = useState<unknown>();
  const consignee = revealed ?? row.consignee;
  const { province, city, county, detail } = consignee.address;
  const reveal = async () => {
    try {
      setRevealed((await call(api.GET('/api/v1/merchant/orders/{id}', { params: { path: { id: row.id }, query: { reveal: 'true' } } }))).consignee);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <div>
      <div data-testid="consignee">
        {consignee.name} {consignee.phone}
      </div>
      <span className="ant-typography ant-typography-secondary" style={{ fontSize: 12 }}>
        {province}
        {city}
        {county} {detail}
      </span>
      {revealed ? (
        <Tag color="orange">{t('revealed')}</Tag>
      ) : (
        <LinkButton label={`${t('reveal')} ${t('consignee')} ${row.id.slice(0, 8)}`} onClick={reveal}>
          {t('reveal')}
        </LinkButton>
      )}
      {error ? <ProblemAlert error={error} /> : null}
    </div>
  );
}

/** The merchant's remarks: the latest on the line, every one (with its time) on hover. */
function RemarksCell({ remarks }: { remarks: ApiSchema<'OrderRemarkView'>[] }) {
  const latest = remarks[remarks.length - 1];
  if (!latest) return null;
  return (
    <HoverText text={remarks.map((remark) => `${formatTime(remark.at)} ${remark.text}`).join('\n')} maxWidth={160} testId="order-remarks">
      {latest.text}
      {remarks.length > 1 ? ` (+${remarks.length - 1})` : ''}
    </HoverText>
  );
}

function Flags({ row }: { row: OrderRow }) {
  const t = useT();
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 2 }}>
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
    </div>
  );
}

/** A native checkbox in the theme's colour (order-table.css); `indeterminate` is a DOM property only. */
function Checkbox({ label, checked, indeterminate = false, onChange }: { label: string; checked: boolean; indeterminate?: boolean; onChange: (checked: boolean) => void }) {
  return (
    <input
      type="checkbox"
      aria-label={label}
      checked={checked}
      ref={(box) => {
        if (box) box.indeterminate = indeterminate;
      }}
      onChange={(event) => onChange(event.target.checked)}
    />
  );
}

export interface OrderTableProps {
  rows: OrderRow[] | undefined;
  loading: boolean;
  selected: string[];
  onSelect: (ids: string[]) => void;
  onShip: (orderId: string) => void;
}

/** 订单查询与跟踪's table (domain.md §1.10): one row per order of the page, selectable for the batch actions. */
export function OrderTable({ rows = [], loading, selected, onSelect, onShip }: OrderTableProps) {
  const t = useT();
  const ids = rows.map((row) => row.id);
  const chosen = new Set(selected);
  const allChosen = ids.length > 0 && ids.every((id) => chosen.has(id));
  const headings = ['orderId', 'status', 'goods', 'payable', 'paymentMethod', 'consignee', 'remarks', 'buyerNote', 'flags', 'actions'];
  return (
    <div className="ant-table-wrapper order-table ant-table-css-var">
      <Spin spinning={loading && rows.length > 0}>
        <div className="ant-table ant-table-small">
          <div className="ant-table-container">
            <div className="ant-table-content">
              <table style={{ tableLayout: 'auto' }}>
                <thead className="ant-table-thead">
                  <tr>
                    <th className="ant-table-cell ant-table-selection-column" scope="col">
                      <div className="ant-table-selection">
                        <Checkbox label={t('selectAll')} checked={allChosen} indeterminate={!allChosen && ids.some((id) => chosen.has(id))} onChange={(all) => onSelect(all ? ids : [])} />
                      </div>
                    </th>
                    {headings.map((key) => (
                      <th key={key} className="ant-table-cell" scope="col">
                        {t(key)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody className="ant-table-tbody">
                  {rows.length === 0 ? (
                    <tr className="ant-table-placeholder" aria-busy={loading}>
                      <td className="ant-table-cell" colSpan={headings.length + 1}>
                        <div className="ant-empty ant-empty-normal ant-empty-small">{loading ? t('loadingOrders') : t('noOrders')}</div>
                      </td>
                    </tr>
                  ) : null}
                  {rows.map((row) => (
                    <OrderLine key={row.id} row={row} selected={chosen.has(row.id)} onSelect={(on) => onSelect(on ? [...selected, row.id] : selected.filter((id) => id !== row.id))} onShip={onShip} />
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </div>
      </Spin>
    </div>
  );
}

function OrderLine({ row, selected, onSelect, onShip }: { row: OrderRow; selected: boolean; onSelect: (selected: boolean) => void; onShip: (orderId: string) => void }) {
  const t = useT();
  const short = row.id.slice(0, 8);
  return (
    <tr className={`ant-table-row ant-table-row-level-0${selected ? ' ant-table-row-selected' : ''}`} data-row-key={row.id}>
      <td className="ant-table-cell ant-table-selection-column">
        <Checkbox label={`${t('orderId')} ${short}`} checked={selected} onChange={onSelect} />
      </td>
      <td className="ant-table-cell">
        <PageLink path={`/orders/${row.id}`} testId="order-link">
          {short}
        </PageLink>
        <div style={{ fontSize: 12, color: '#888' }}>{formatTime(row.createdAt)}</div>
      </td>
      <td className="ant-table-cell">
        <Tag testId="order-status">
          {t(row.status)}
          {row.pause ? ` · ${t(row.pause.reason)}` : ''}
        </Tag>
      </td>
      <td className="ant-table-cell">
        {row.lines.map((line) => (
          <div key={line.skuId}>
            {line.title} × {line.quantity} @ {formatFen(line.unitPrice)}
          </div>
        ))}
      </td>
      <td className="ant-table-cell">{formatFen(row.payable)}</td>
      <td className="ant-table-cell">{t(row.paymentMethod)}</td>
      <td className="ant-table-cell">
        <ConsigneeCell row={row} />
      </td>
      <td className="ant-table-cell">
        <RemarksCell remarks={row.remarks} />
      </td>
      <td className="ant-table-cell">
        {row.buyerNote && (
          <HoverText text={row.buyerNote} maxWidth={120}>
            {row.buyerNote}
          </HoverText>
        )}
      </td>
      <td className="ant-table-cell">
        <Flags row={row} />
      </td>
      <td className="ant-table-cell">
        {row.status === 'WAITING_OUTBOUND' && (
          <LinkButton primary label={`${t('ship')} ${short}`} onClick={() => onShip(row.id)}>
            {t('ship')}
          </LinkButton>
        )}
      </td>
    </tr>
  );
}
