import { processProblems } from '@orderline/shared/process';
import { decideExportTaskTransition, EXPORT_TASK_PROCESS } from './export-task-process';

describe('export task process', () => {
  it('is a sound table (every state reachable, COMPLETED the only dead end)', () => {
    expect(processProblems(EXPORT_TASK_PROCESS)).toEqual([]);
  });

  it('completes a running task with its ExportCompleted effect, and retries only a failed one', () => {
    expect(decideExportTaskTransition({ status: 'RUNNING' }, 'COMPLETE')).toEqual({ allowed: true, trigger: 'COMPLETE', from: 'RUNNING', to: 'COMPLETED', effects: ['EXPORT_COMPLETED'] });
    expect(decideExportTaskTransition({ status: 'FAILED' }, 'RETRY')).toMatchObject({ allowed: true, to: 'QUEUED' });
    expect(decideExportTaskTransition({ status: 'COMPLETED' }, 'RETRY')).toEqual({ allowed: false, veto: { code: 'EXPORT_NOT_RETRYABLE', reason: 'only a FAILED task can be retried; this one is COMPLETED' } });
    expect(decideExportTaskTransition({ status: 'QUEUED' }, 'COMPLETE')).toEqual({ allowed: false, veto: { code: 'INVALID_EXPORT_TASK_TRANSITION', reason: 'an export task in status QUEUED cannot complete' } });
  });
});
