import { AfterSalesCommand, AfterSalesEffect, decideAfterSalesTransition } from '@orderline/after-sales/domain';
import { applyTransition, OutgoingEvent, TransactionScope } from '@orderline/shared/messaging';
import { DomainError } from '@orderline/shared/service-kit';
import { AfterSalesRecord, appendRequestHistory, RequestChanges, saveRequestStep } from '../infra/after-sales-request.repository';

export interface RequestStep {
  /** What the step records beside the status (the review, the return shipment, the receipt). */
  changes?: RequestChanges;
  /** Kept with the history entry (a rejection's reason, a waybill, a refund amount). */
  note?: string;
  /** The event of each effect the process declares for this step. */
  effects?: Partial<Record<AfterSalesEffect, () => OutgoingEvent>>;
}

/**
 * Moves a locked request by the after-sales process (or refuses with its code as a 409), and
 * records the step — status, history entry and the step's event — through the one apply.
 */
export async function moveRequest(scope: TransactionScope, request: AfterSalesRecord, command: AfterSalesCommand, actor: string, at: Date, step: RequestStep = {}): Promise<void> {
  const decision = decideAfterSalesTransition(request, command);
  if (!decision.allowed) throw new DomainError(decision.veto.code, 409, decision.veto.reason, { currentStatus: request.status });
  await applyTransition(scope, request, decision, {
    save: (moved) => saveRequestStep(scope.manager, moved, at, step.changes ?? {}),
    history: (move) => appendRequestHistory(scope.manager, request, { from: move.from, to: move.to, command, actor, at: at.toISOString(), ...(step.note ? { note: step.note } : {}) }),
    effects: step.effects,
  });
}
