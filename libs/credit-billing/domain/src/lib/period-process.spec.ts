import { processProblems } from '@orderline/shared/process';
import { CREDIT_PERIOD_PROCESS, movePeriod, PeriodTransitionError } from './period-process';

describe('credit period process (domain.md §4.3-§4.5)', () => {
  it('is declared with the process engine and passes its start-up checks', () => {
    expect(processProblems(CREDIT_PERIOD_PROCESS)).toEqual([]);
  });

  it('the start-up check rejects a state no transition reaches', () => {
    const withoutVoid = { ...CREDIT_PERIOD_PROCESS, transitions: CREDIT_PERIOD_PROCESS.transitions.filter((t) => t.trigger !== 'VOID') };
    expect(processProblems(withoutVoid).join('\n')).toMatch(/VOIDED/);
  });

  it('moves periods only along the table: a billed period is never voided, a paid one never billed again', () => {
    expect(movePeriod({ status: 'SCHEDULED' as const, index: 1 }, 'BILL')).toEqual({ status: 'BILLED', index: 1 });
    expect(movePeriod({ status: 'OVERDUE' as const }, 'SETTLE').status).toBe('PAID');
    expect(() => movePeriod({ status: 'BILLED' as const }, 'VOID')).toThrow(PeriodTransitionError);
    expect(() => movePeriod({ status: 'PAID' as const }, 'BILL')).toThrow(/credit period in status PAID cannot bill/);
  });
});
