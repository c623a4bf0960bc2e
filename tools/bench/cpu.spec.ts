// The pure part of the bench's CPU-per-unit figures (tools/bench/lib/cpu.cjs): parsing
// /proc/<pid>/stat, naming processes, deltas between snapshots and the per-unit arithmetic.
const { parseProcStat, offMainThreadSeconds, processKey, cpuDelta, perUnitMs, formatPerUnit, formatShare } = require('./lib/cpu.cjs') as {
  parseProcStat: (text: string) => { pid: number; comm: string; ppid: number; cpuSeconds: number; kernelSeconds: number } | null;
  processKey: (stat: { pid: number; comm: string; ppid: number }, cmdline: string, benchPid: number) => string | null;
  cpuDelta: (before: Record<string, number>, after: Record<string, number>) => Record<string, number>;
  perUnitMs: (delta: Record<string, number>, units: number) => Record<string, number> | null;
  formatPerUnit: (perUnit: Record<string, number> | null, options?: { digits?: number; unit?: string }) => string;
  formatShare: (partSeconds: Record<string, number>, cpuSeconds: Record<string, number>) => string;
  offMainThreadSeconds: (pid: number, taskStatLines: string[]) => number;
};

// A real line's shape: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
const statLine = (pid: number, comm: string, ppid: number, utime: number, stime: number) =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 1200 0 3 0 ${utime} ${stime} 0 0 20 0 11 0 5000 1000000 20000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 17 1 0 0 0 0 0\n`;

describe('bench CPU per unit', () => {
  it('parses pid, command, parent, utime + stime and stime alone in seconds', () => {
    expect(parseProcStat(statLine(4242, 'node', 17, 250, 50))).toEqual({ pid: 4242, comm: 'node', ppid: 17, cpuSeconds: 3, kernelSeconds: 0.5 });
  });

  it('finds the fields after the last parenthesis when the command contains spaces and parentheses', () => {
    expect(parseProcStat(statLine(9, 'we ird) (name', 1, 100, 0))).toEqual({ pid: 9, comm: 'we ird) (name', ppid: 1, cpuSeconds: 1, kernelSeconds: 0 });
  });

  it('refuses a line it cannot read', () => {
    expect(parseProcStat('')).toBeNull();
    expect(parseProcStat('12 (node) S 1')).toBeNull();
  });

  it('names stack services by their dist/apps folder, PostgreSQL and Kafka per pid, and nothing else', () => {
    const cmdline = '/usr/bin/node\0-r\0/w/tools/runtime/register-paths.js\0/w/dist/apps/order-service/src/main.js\0';
    expect(processKey({ pid: 5, comm: 'node', ppid: 100 }, cmdline, 100)).toBe('order-service');
    expect(processKey({ pid: 5, comm: 'node', ppid: 101 }, cmdline, 100)).toBeNull();
    expect(processKey({ pid: 6, comm: 'node', ppid: 100 }, '/usr/bin/node\0other.js\0', 100)).toBeNull();
    expect(processKey({ pid: 7, comm: 'postgres', ppid: 1 }, '', 100)).toBe('postgres#7');
    expect(processKey({ pid: 8, comm: 'java', ppid: 1 }, '', 100)).toBe('kafka (java)#8');
  });

  it('sums per-pid processes under their name, counts new backends from zero and leaves out restarted services', () => {
    const before = { gateway: 10, 'postgres#1': 5, 'postgres#2': 1, 'kafka (java)#3': 100, 'bench (load + probes)': 2 };
    const after = { gateway: 12.5, 'postgres#1': 6, 'postgres#4': 0.5, 'kafka (java)#3': 101, 'bench (load + probes)': 2.25, 'order-service': 40 };
    expect(cpuDelta(before, after)).toEqual({ gateway: 2.5, postgres: 1.5, 'kafka (java)': 1, 'bench (load + probes)': 0.25 });
  });

  it('divides CPU seconds into milliseconds per unit with a total', () => {
    expect(perUnitMs({ gateway: 2, postgres: 1 }, 100)).toEqual({ gateway: 20, postgres: 10, total: 30 });
    expect(perUnitMs({ gateway: 2 }, 0)).toBeNull();
  });

  it('prints the largest first and the total last', () => {
    expect(formatPerUnit({ gateway: 20, postgres: 10.25, total: 30.25 })).toBe('gateway 20.0 · postgres 10.3 · total 30.3 ms');
    expect(formatPerUnit({ export: 0.0042, total: 0.0042 }, { digits: 4 })).toBe('export 0.0042 · total 0.0042 ms');
    expect(formatPerUnit(null)).toBe('—');
  });

  it("prints a part of each process's CPU as its share, largest first, leaving out processes that used none or have no part", () => {
    expect(formatShare({ postgres: 0.46, gateway: 0.12, idle: 0 }, { postgres: 2, gateway: 2, idle: 0 })).toBe('postgres 23 % · gateway 6 %');
    expect(formatShare({ gateway: 0 }, { gateway: 1 })).toBe('gateway 0 %');
    expect(formatShare({ gateway: 0.1 }, { gateway: 1, postgres: 3 })).toBe('gateway 10 %');
    expect(formatShare({}, {})).toBe('—');
  });

  it("counts a process's CPU off its main thread from its threads' stat lines, leaving the main thread out", () => {
    const threads = [statLine(700, 'node', 1, 900, 100), statLine(701, 'node', 1, 30, 5), statLine(705, 'node', 1, 12, 3)];
    expect(offMainThreadSeconds(700, threads)).toBeCloseTo(0.5);
    expect(offMainThreadSeconds(700, [statLine(700, 'node', 1, 900, 100)])).toBe(0);
  });
});
