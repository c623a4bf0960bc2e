import { decide, defineProcess, hasTrigger, Selector, TransitionDecision, triggerWords } from '@orderline/shared/process';

/**
 * The after-sales process (domain.md §3) as data: every allowed move per request type; what
 * is not listed is refused. Return-and-refund: REQUESTED → APPROVED → RETURN_IN_TRANSIT →
 * RECEIVED → REFUND_PENDING → REFUNDED. Refund-only skips the return. An exchange hands a
 * replacement to logistics instead of a refund, and completes (EXCHANGED) when logistics reports
 * the buyer received it: REPLACEMENT_REQUESTED → REPLACEMENT_SHIPPED → EXCHANGED.
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
  'REPLACEMENT_SHIPPED',
  'EXCHANGED',
] as const;
export type AfterSalesStatus = (typeof AFTER_SALES_STATUSES)[number];

/** A rejected request frees its lines; every other status holds them (returned or being returned). */
export const RELEASED_STATUSES: readonly AfterSalesStatus[] = ['REJECTED'];

export type AfterSalesCommand = 'APPROVE' | 'REJECT' | 'SHIP_RETURN' | 'CONFIRM_RECEIPT' | 'REPORT_PROBLEM' | 'GRANT_REFUND' | 'REQUEST_REPLACEMENT' | 'SHIP_REPLACEMENT' | 'RECEIVE_REPLACEMENT' | 'COMPLETE_REFUND';

/**
 * The event a move publishes as its own (the request's step). Granting and completing a refund
 * publish none here: `RefundCompleted` is the refund's event, sent when its settlements are done
 * (ADR 0009), beside the move to REFUNDED.
 */
export type AfterSalesEffect = 'AFTER_SALES_APPROVED' | 'AFTER_SALES_REJECTED' | 'RETURN_SHIPMENT_REGISTERED' | 'RETURN_RECEIVED' | 'REPLACEMENT_REQUESTED';

/** What decides a request's move: its status and its type (the type selects the steps it has). */
export interface AfterSalesFacts {
  status: AfterSalesStatus;
  type: AfterSalesType;
}

const WITH_RETURN: Selector<AfterSalesFacts> = { fact: 'type', in: ['RETURN_AND_REFUND', 'EXCHANGE'] };
const ofType = (type: AfterSalesType): Selector<AfterSalesFacts> => ({ fact: 'type', in: [type] });

export const AFTER_SALES_PROCESS = defineProcess({
  name: 'after-sales',
  noun: 'after-sales request',
  states: AFTER_SALES_STATUSES,
  initial: ['REQUESTED'],
  // A disputed return ends the request: platform arbitration is not built (docs/services/after-sales.md).
  terminal: ['REJECTED', 'RETURN_DISPUTED', 'REFUNDED', 'EXCHANGED'],
  transitions: [
    { trigger: 'APPROVE', from: ['REQUESTED'], to: 'APPROVED', effects: ['AFTER_SALES_APPROVED'] },
    { trigger: 'REJECT', from: ['REQUESTED'], to: 'REJECTED', effects: ['AFTER_SALES_REJECTED'] },
    // The buyer may correct the waybill while the parcel travels.
    { trigger: 'SHIP_RETURN', from: ['APPROVED', 'RETURN_IN_TRANSIT'], to: 'RETURN_IN_TRANSIT', when: WITH_RETURN, effects: ['RETURN_SHIPMENT_REGISTERED'] },
    { trigger: 'CONFIRM_RECEIPT', from: ['RETURN_IN_TRANSIT'], to: 'RECEIVED', when: WITH_RETURN, effects: ['RETURN_RECEIVED'] },
    { trigger: 'REPORT_PROBLEM', from: ['RETURN_IN_TRANSIT'], to: 'RETURN_DISPUTED', when: WITH_RETURN, effects: ['RETURN_RECEIVED'] },
    { trigger: 'GRANT_REFUND', from: ['RECEIVED'], to: 'REFUND_PENDING', when: ofType('RETURN_AND_REFUND') },
    { trigger: 'GRANT_REFUND', from: ['APPROVED'], to: 'REFUND_PENDING', when: ofType('REFUND_ONLY') },
    { trigger: 'REQUEST_REPLACEMENT', from: ['RECEIVED'], to: 'REPLACEMENT_REQUESTED', when: ofType('EXCHANGE'), effects: ['REPLACEMENT_REQUESTED'] },
    // Logistics' answers (ReplacementShipped, ReplacementReceived): the request follows the replacement parcel.
    { trigger: 'SHIP_REPLACEMENT', from: ['REPLACEMENT_REQUESTED'], to: 'REPLACEMENT_SHIPPED', when: ofType('EXCHANGE') },
    { trigger: 'RECEIVE_REPLACEMENT', from: ['REPLACEMENT_SHIPPED'], to: 'EXCHANGED', when: ofType('EXCHANGE') },
    { trigger: 'COMPLETE_REFUND', from: ['REFUND_PENDING'], to: 'REFUNDED', when: { fact: 'type', in: ['RETURN_AND_REFUND', 'REFUND_ONLY'] } },
  ],
  // A step the request's type does not have at all says so, rather than "not from this status".
  refuse: (request: AfterSalesFacts, command: AfterSalesCommand, process) =>
    hasTrigger(process, request, command) ? undefined : { code: 'NOT_FOR_THIS_TYPE', reason: `a ${request.type} request has no ${triggerWords(command)} step` },
});

export type AfterSalesDecision = TransitionDecision<AfterSalesStatus, AfterSalesCommand, AfterSalesEffect>;

export function decideAfterSalesTransition(request: AfterSalesFacts, command: AfterSalesCommand): AfterSalesDecision {
  return decide(AFTER_SALES_PROCESS, { status: request.status, type: request.type }, command);
}
