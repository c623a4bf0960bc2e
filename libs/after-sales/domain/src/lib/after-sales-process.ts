/**
 * The after-sales process (domain.md §3) as data: every allowed move per request type; what
 * is not listed is refused. Return-and-refund: REQUESTED → APPROVED → RETURN_IN_TRANSIT →
 * RECEIVED → REFUND_PENDING → REFUNDED. Refund-only skips the return. Exchange ends with
 * a replacement handed to logistics instead of a refund.
 */
export const AFTER_SALES_TYPES = ['RETURN_AND_REFUND', 'REFUND_ONLY', 'EXCHANGE'] as const;
export type AfterSalesType = (typeof AFTER_SALES_TYPES)[number];

export const AFTER_SALES_STATUSES = [
  'REQUESTED',
  'APPROVED',
  'REJECTED',
  'RETURN_IN_TRANSIT',
  'RECEIVED',
  'RETURN_DISPUTED',
  'REFUND_PENDING',
  'REFUNDED',
  'REPLACEMENT_REQUESTED',
] as const;
export type AfterSalesStatus = (typeof AFTER_SALES_STATUSES)[number];

/** A rejected request frees its lines; every other status holds them (returned or being returned). */
export const RELEASED_STATUSES: readonly AfterSalesStatus[] = ['REJECTED'];

export type AfterSalesCommand = 'APPROVE' | 'REJECT' | 'SHIP_RETURN' | 'CONFIRM_RECEIPT' | 'REPORT_PROBLEM' | 'GRANT_REFUND' | 'REQUEST_REPLACEMENT' | 'COMPLETE_REFUND';

export interface AfterSalesTransition {
  command: AfterSalesCommand;
  types: readonly AfterSalesType[];
  from: readonly AfterSalesStatus[];
  to: AfterSalesStatus;
}

const ALL: readonly AfterSalesType[] = AFTER_SALES_TYPES;
const WITH_RETURN: readonly AfterSalesType[] = ['RETURN_AND_REFUND', 'EXCHANGE'];

export const AFTER_SALES_PROCESS: readonly AfterSalesTransition[] = [
  { command: 'APPROVE', types: ALL, from: ['REQUESTED'], to: 'APPROVED' },
  { command: 'REJECT', types: ALL, from: ['REQUESTED'], to: 'REJECTED' },
  // The buyer may correct the waybill while the parcel travels.
  { command: 'SHIP_RETURN', types: WITH_RETURN, from: ['APPROVED', 'RETURN_IN_TRANSIT'], to: 'RETURN_IN_TRANSIT' },
  { command: 'CONFIRM_RECEIPT', types: WITH_RETURN, from: ['RETURN_IN_TRANSIT'], to: 'RECEIVED' },
  { command: 'REPORT_PROBLEM', types: WITH_RETURN, from: ['RETURN_IN_TRANSIT'], to: 'RETURN_DISPUTED' },
  { command: 'GRANT_REFUND', types: ['RETURN_AND_REFUND'], from: ['RECEIVED'], to: 'REFUND_PENDING' },
  { command: 'GRANT_REFUND', types: ['REFUND_ONLY'], from: ['APPROVED'], to: 'REFUND_PENDING' },
  { command: 'REQUEST_REPLACEMENT', types: ['EXCHANGE'], from: ['RECEIVED'], to: 'REPLACEMENT_REQUESTED' },
  { command: 'COMPLETE_REFUND', types: ['RETURN_AND_REFUND', 'REFUND_ONLY'], from: ['REFUND_PENDING'], to: 'REFUNDED' },
];

export type AfterSalesDecision = { allowed: true; to: AfterSalesStatus } | { allowed: false; code: string; reason: string };

export function decideAfterSalesTransition(request: { type: AfterSalesType; status: AfterSalesStatus }, command: AfterSalesCommand): AfterSalesDecision {
  const transition = AFTER_SALES_PROCESS.find((t) => t.command === command && t.types.includes(request.type) && t.from.includes(request.status));
  if (transition) return { allowed: true, to: transition.to };
  if (!AFTER_SALES_PROCESS.some((t) => t.command === command && t.types.includes(request.type))) {
    return { allowed: false, code: 'NOT_FOR_THIS_TYPE', reason: `a ${request.type} request has no ${command.toLowerCase().replace(/_/g, ' ')} step` };
  }
  return { allowed: false, code: 'INVALID_AFTER_SALES_TRANSITION', reason: `an after-sales request in status ${request.status} cannot ${command.toLowerCase().replace(/_/g, ' ')}` };
}

/** Start-up check: one target per (command, type, status), so a move is never ambiguous. */
export function assertAfterSalesProcessIsDeterministic(process: readonly AfterSalesTransition[] = AFTER_SALES_PROCESS): void {
  const seen = new Set<string>();
  for (const t of process) {
    for (const type of t.types) {
      for (const from of t.from) {
        const key = `${t.command}/${type}/${from}`;
        if (seen.has(key)) throw new Error(`after-sales process: ${key} is declared twice`);
        seen.add(key);
      }
    }
  }
}
