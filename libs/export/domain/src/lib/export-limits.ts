import type { ExportType } from './export-types';
import { EXPORT_TYPE_DEFINITIONS } from './export-types';
import { nextPlatformMidnight, platformDayOf } from '@orderline/shared/platform-rules';

/** domain.md §5 defaults; each is configuration. */
export interface ExportLimitSettings {
  minIntervalSeconds: number;
  tasksPerDay: number;
  utcOffsetMinutes: number;
}

export const DEFAULT_EXPORT_LIMITS: ExportLimitSettings = { minIntervalSeconds: 600, tasksPerDay: 10, utcOffsetMinutes: 480 };

export interface ExportVeto {
  code: 'EXPORT_RANGE_INVALID' | 'EXPORT_RANGE_TOO_LONG' | 'EXPORT_TOO_SOON' | 'EXPORT_DAILY_LIMIT';
  /** Which limit refused the task, in words a merchant understands. */
  limit: string;
  detail: string;
  /** When the next task of this type may be created (absent: a different range is needed). */
  nextAllowedAt?: Date;
}

const DAY_MS = 86_400_000;

/**
 * May this account create a task of this type now (domain.md §5)? `previous` holds the
 * creation times of the account's earlier tasks of the same type (any status: a failed task
 * still counted when it was created; retrying it creates no new task).
 */
export function exportTaskVeto(input: { type: ExportType; from: Date; to: Date; now: Date; previous: readonly Date[] }, settings: ExportLimitSettings = DEFAULT_EXPORT_LIMITS): ExportVeto | undefined {
  const { type, from, to, now, previous } = input;
  if (!(from.getTime() < to.getTime())) return { code: 'EXPORT_RANGE_INVALID', limit: 'time range', detail: '`from` must be before `to`' };
  const maxDays = EXPORT_TYPE_DEFINITIONS[type].maxRangeDays;
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) {
    return { code: 'EXPORT_RANGE_TOO_LONG', limit: `time range of at most ${maxDays} days for ${type}`, detail: `the time range of a ${type} export may cover at most ${maxDays} days; split it into several tasks` };
  }
  const last = previous.reduce<Date | undefined>((latest, at) => (!latest || at > latest ? at : latest), undefined);
  const intervalMs = settings.minIntervalSeconds * 1000;
  if (last && now.getTime() - last.getTime() < intervalMs) {
    const nextAllowedAt = new Date(last.getTime() + intervalMs);
    const minutes = Math.round(settings.minIntervalSeconds / 60);
    return { code: 'EXPORT_TOO_SOON', limit: `${minutes} minutes between two ${type} tasks`, detail: `the last ${type} task of this account was created less than ${minutes} minutes ago; the next one is allowed at ${nextAllowedAt.toISOString()}`, nextAllowedAt };
  }
  const today = platformDayOf(now, settings.utcOffsetMinutes);
  const createdToday = previous.filter((at) => platformDayOf(at, settings.utcOffsetMinutes) === today).length;
  if (createdToday >= settings.tasksPerDay) {
    const nextAllowedAt = nextPlatformMidnight(now, settings.utcOffsetMinutes);
    return { code: 'EXPORT_DAILY_LIMIT', limit: `${settings.tasksPerDay} ${type} tasks per day`, detail: `this account created ${createdToday} ${type} tasks today (platform time); the next one is allowed at ${nextAllowedAt.toISOString()}`, nextAllowedAt };
  }
  return undefined;
}

export interface PasswordSmsSettings {
  perTaskPerDay: number;
  minIntervalSeconds: number;
  utcOffsetMinutes: number;
}

export const DEFAULT_PASSWORD_SMS_LIMITS: PasswordSmsSettings = { perTaskPerDay: 5, minIntervalSeconds: 60, utcOffsetMinutes: 480 };

export interface PasswordSmsVeto {
  code: 'PASSWORD_SMS_TOO_SOON' | 'PASSWORD_SMS_DAILY_LIMIT';
  limit: string;
  detail: string;
  nextAllowedAt: Date;
}

/** domain.md §5: at most 5 password SMS per task per day, at least 60 s apart. */
export function passwordSmsVeto(sent: readonly Date[], now: Date, settings: PasswordSmsSettings = DEFAULT_PASSWORD_SMS_LIMITS): PasswordSmsVeto | undefined {
  const last = sent.reduce<Date | undefined>((latest, at) => (!latest || at > latest ? at : latest), undefined);
  if (last && now.getTime() - last.getTime() < settings.minIntervalSeconds * 1000) {
    const nextAllowedAt = new Date(last.getTime() + settings.minIntervalSeconds * 1000);
    return { code: 'PASSWORD_SMS_TOO_SOON', limit: `${settings.minIntervalSeconds} s between two password SMS`, detail: `the password was sent less than ${settings.minIntervalSeconds} s ago; try again at ${nextAllowedAt.toISOString()}`, nextAllowedAt };
  }
  const today = platformDayOf(now, settings.utcOffsetMinutes);
  const sentToday = sent.filter((at) => platformDayOf(at, settings.utcOffsetMinutes) === today).length;
  if (sentToday >= settings.perTaskPerDay) {
    const nextAllowedAt = nextPlatformMidnight(now, settings.utcOffsetMinutes);
    return { code: 'PASSWORD_SMS_DAILY_LIMIT', limit: `${settings.perTaskPerDay} password SMS per task per day`, detail: `the password of this task was already sent ${sentToday} times today; try again at ${nextAllowedAt.toISOString()}`, nextAllowedAt };
  }
  return undefined;
}
