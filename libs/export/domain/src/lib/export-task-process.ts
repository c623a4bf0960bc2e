import { ExportTaskStatus } from '@orderline/export/codes';
import { decide, defineProcess, TransitionDecision } from '@orderline/shared/process';

export type ExportTaskTrigger = 'CLAIM' | 'COMPLETE' | 'FAIL' | 'RETRY';
export type ExportTaskEffect = 'EXPORT_COMPLETED';

export interface ExportTaskFacts {
  status: ExportTaskStatus;
}

/**
 * An export task (domain.md §5): queued on creation, claimed by one runner, completed with its
 * file (then downloadable until the file expires — expiry deletes the file, the task stays
 * COMPLETED) or failed (an error, or its runner stopped beating); a failed task may be retried,
 * as the same task with the same password.
 */
export const EXPORT_TASK_PROCESS = defineProcess<ExportTaskStatus, ExportTaskTrigger, ExportTaskFacts, never, ExportTaskEffect>({
  name: 'export task',
  states: ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED'],
  initial: ['QUEUED'],
  terminal: ['COMPLETED'],
  transitions: [
    { trigger: 'CLAIM', from: ['QUEUED'], to: 'RUNNING' },
    { trigger: 'COMPLETE', from: ['RUNNING'], to: 'COMPLETED', effects: ['EXPORT_COMPLETED'] },
    { trigger: 'FAIL', from: ['RUNNING'], to: 'FAILED' },
    { trigger: 'RETRY', from: ['FAILED'], to: 'QUEUED' },
  ],
  // The retry refusal is part of the API (409 EXPORT_NOT_RETRYABLE).
  refuse: (facts, trigger) => (trigger === 'RETRY' ? { code: 'EXPORT_NOT_RETRYABLE', reason: `only a FAILED task can be retried; this one is ${facts.status}` } : undefined),
});

export function decideExportTaskTransition(task: ExportTaskFacts, trigger: ExportTaskTrigger): TransitionDecision<ExportTaskStatus, ExportTaskTrigger, ExportTaskEffect> {
  return decide(EXPORT_TASK_PROCESS, { status: task.status }, trigger);
}
