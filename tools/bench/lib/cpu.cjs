'use strict';
// CPU per unit of work (issue 19 item 1): how many CPU milliseconds each process spent per order,
// refund or exported row. Read from /proc/<pid>/stat (utime + stime) before and after a phase, so
// every process of the stack, PostgreSQL and Kafka are seen without instrumenting them; the bench's
// own work comes from process.cpuUsage(). The parsing and the arithmetic are pure (cpu.spec.ts).
const fs = require('node:fs');

const CLK_TCK = 100; // USER_HZ on Linux: /proc/<pid>/stat counts CPU time in 1/100 s
const BENCH_KEY = 'bench (load + probes)';

/**
 * One line of /proc/<pid>/stat. The command name is in parentheses and may itself contain spaces
 * or ')', so the fields after it are found from the LAST ')'.
 * @returns {{ pid: number, comm: string, ppid: number, cpuSeconds: number, kernelSeconds: number } | null}
 */
function parseProcStat(text) {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const fields = text.slice(close + 2).trim().split(/\s+/); // fields[0] is field 3 (state)
  const utime = Number(fields[11]); // field 14
  const stime = Number(fields[12]); // field 15
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return { pid: Number(text.slice(0, open).trim()), comm: text.slice(open + 1, close), ppid: Number(fields[1]), cpuSeconds: (utime + stime) / CLK_TCK, kernelSeconds: stime / CLK_TCK };
}

/**
 * The name a process's CPU is reported under, or null when it is not ours to count.
 * PostgreSQL and Kafka processes are keyed per pid ("postgres#123") because backends come and go
 * during a phase; a service is a child of the bench started from dist/apps/<app>/.
 */
function processKey(stat, cmdline, benchPid) {
  if (stat.comm === 'postgres') return `postgres#${stat.pid}`;
  if (stat.comm === 'java') return `kafka (java)#${stat.pid}`;
  if (stat.ppid !== benchPid) return null;
  return /dist\/apps\/([^/]+)\//.exec(cmdline)?.[1] ?? null;
}

/**
 * CPU seconds spent by a process's threads other than its main one, from the `/proc/<pid>/task/<tid>/stat`
 * lines of all its threads. For Node these are V8's helpers (the optimizing compiler, concurrent and
 * parallel GC) and libuv's pool: what a CPU profile of the main thread does not show. A thread that
 * ended since the last reading takes its count with it.
 */
function offMainThreadSeconds(pid, taskStatLines) {
  let seconds = 0;
  for (const line of taskStatLines) {
    const stat = parseProcStat(line);
    if (stat && stat.pid !== pid) seconds += stat.cpuSeconds;
  }
  return seconds;
}

function taskStatLines(pid) {
  const lines = [];
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      lines.push(fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
    } catch {
      // the thread ended meanwhile
    }
  }
  return lines;
}

/**
 * CPU seconds used so far by each stack service (children of this process), PostgreSQL, Kafka and
 * the bench itself: `cpu` is user + system time, `kernel` the system part alone, `offMain` the part
 * of the Node processes' CPU spent off their main thread (all keyed alike; `offMain` has the
 * services and the bench only).
 */
function procSnapshot(benchPid = process.pid) {
  const cpu = {};
  const kernel = {};
  const offMain = {};
  if (process.platform !== 'linux') return { cpu, kernel, offMain };
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(fs.readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (!stat) continue;
      const cmdline = stat.ppid === benchPid ? fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8') : '';
      const key = processKey(stat, cmdline, benchPid);
      if (!key) continue;
      cpu[key] = stat.cpuSeconds;
      kernel[key] = stat.kernelSeconds;
      if (cmdline) offMain[key] = offMainThreadSeconds(stat.pid, taskStatLines(stat.pid));
    } catch {
      // the process ended meanwhile
    }
  }
  const self = process.cpuUsage();
  cpu[BENCH_KEY] = (self.user + self.system) / 1e6;
  kernel[BENCH_KEY] = self.system / 1e6;
  if (process.platform === 'linux') offMain[BENCH_KEY] = offMainThreadSeconds(benchPid, taskStatLines(benchPid));
  return { cpu, kernel, offMain };
}

/** User + system CPU seconds used so far by each process we count (see procSnapshot). */
function cpuSnapshot(benchPid = process.pid) {
  return procSnapshot(benchPid).cpu;
}

/**
 * CPU seconds each process name used between two snapshots. Per-pid keys ("postgres#123") are summed
 * under their name; a per-pid process that started during the phase counts from 0, a named one that
 * was not there before is left out (it was restarted: its counter does not continue). Processes that
 * ended during the phase are missed.
 */
function cpuDelta(before, after) {
  const result = {};
  for (const [key, used] of Object.entries(after)) {
    const perPid = key.includes('#');
    if (!(key in before) && !perPid) continue;
    const name = key.split('#')[0];
    result[name] = (result[name] ?? 0) + Math.max(0, used - (before[key] ?? 0));
  }
  return result;
}

/** CPU milliseconds per unit for each name, plus `total`; null when no unit was done. */
function perUnitMs(deltaSeconds, units) {
  if (!units || units <= 0) return null;
  const result = {};
  let total = 0;
  for (const [name, seconds] of Object.entries(deltaSeconds)) {
    result[name] = (seconds * 1000) / units;
    total += seconds;
  }
  result.total = (total * 1000) / units;
  return result;
}

/** "gateway 12.3 · order-service 8.1 · … · total 57.0 ms", largest first; `digits` for tiny per-row figures. */
function formatPerUnit(perUnit, { digits = 1, unit = 'ms' } = {}) {
  if (!perUnit) return '—';
  const entries = Object.entries(perUnit).filter(([name]) => name !== 'total').sort((a, b) => b[1] - a[1]);
  return [...entries.map(([name, v]) => `${name} ${v.toFixed(digits)}`), `total ${perUnit.total.toFixed(digits)} ${unit}`].join(' · ');
}

/**
 * A part of each process's CPU as a share of it ("postgres 23 % · gateway 6 % · …", largest first),
 * for the processes `partSeconds` has. The kernel's part: a process whose time goes to system calls
 * (socket round trips, waking others) pays for them there, whereas a CPU profile counts the wait
 * after a write that woke another process as time in the write. The part off the main thread: V8
 * compiling and collecting beside the JavaScript.
 */
function formatShare(partSeconds, cpuSeconds) {
  const shares = Object.entries(cpuSeconds)
    .filter(([name, used]) => used > 0 && name in partSeconds)
    .map(([name, used]) => [name, partSeconds[name] / used])
    .sort((a, b) => b[1] - a[1]);
  return shares.length ? shares.map(([name, share]) => `${name} ${Math.round(share * 100)} %`).join(' · ') : '—';
}

/** Runs fn and returns its result with `cpuSeconds`, `kernelSeconds` and `offMainSeconds` (cpuDelta over the call) attached. */
async function measureCpu(fn, benchPid = process.pid) {
  const before = procSnapshot(benchPid);
  const result = await fn();
  const after = procSnapshot(benchPid);
  return { result, cpuSeconds: cpuDelta(before.cpu, after.cpu), kernelSeconds: cpuDelta(before.kernel, after.kernel), offMainSeconds: cpuDelta(before.offMain, after.offMain) };
}

module.exports = { CLK_TCK, BENCH_KEY, parseProcStat, offMainThreadSeconds, processKey, cpuSnapshot, cpuDelta, perUnitMs, formatPerUnit, formatShare, measureCpu };
