import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { BaseServiceConfig, PREVIOUS_KEYS_PATTERN, toInt } from '@orderline/shared/service-kit';

export class ExportServiceConfig extends BaseServiceConfig {
  /** Where export files are written (temp name, renamed when complete); default `<os tmp>/orderline-exports/<database>`. */
  @IsOptional() @IsString() EXPORT_FILES_DIR?: string;
  /** A completed file can be downloaded this long (platform clock), then it is deleted. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(60) EXPORT_FILE_TTL_SECONDS = 3 * 86_400;
  /** Least time between two tasks of one account and type (domain.md §5 limits, per account and export type). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) EXPORT_MIN_INTERVAL_SECONDS = 600;
  /** Export tasks per account and type per platform day. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) EXPORT_TASKS_PER_DAY = 10;
  /** Password SMS per task per platform day. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) EXPORT_PASSWORD_SMS_PER_DAY = 5;
  /** Least time between two password SMS of a task. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) EXPORT_PASSWORD_SMS_INTERVAL_SECONDS = 60;
  /** Platform local time = UTC + this; "per day" limits reset at its 00:00. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(-720) @Max(840) PLATFORM_UTC_OFFSET_MINUTES = 480;
  /** Tasks one export-service process runs at the same time. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(8) EXPORT_CONCURRENCY = 1;
  /** How often the runner looks for queued tasks, stale tasks and expired files. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(50) EXPORT_POLL_INTERVAL_MS = 500;
  /** A RUNNING task whose heartbeat is older than this (its process died) is marked FAILED. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) EXPORT_STALE_AFTER_SECONDS = 30;
  /** Rows fetched from the read-model cursor per round trip. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) EXPORT_FETCH_ROWS = 5_000;
  /** zlib level of the zip entries (1 fastest … 9 smallest); 1 costs ~8 % more bytes than 6 and far less time. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(9) EXPORT_DEFLATE_LEVEL = 1;
  /** Key that encrypts the stored file passwords (AES-256-GCM); required in production. */
  @IsOptional() @IsString() @MinLength(16) EXPORT_PASSWORD_KEY?: string;
  /**
   * Export password keys sealed under before (comma-separated, newest first) while the key
   * rotates: passwords they sealed still open (a task queued before the rotation, a password
   * SMS sent again for an older file); new passwords are sealed under EXPORT_PASSWORD_KEY only.
   * Drop one once `orderline rotate-key` has re-sealed what it sealed, or once the tasks
   * created before the rotation have expired (docs/admin-cli.md).
   */
  @IsOptional() @Matches(PREVIOUS_KEYS_PATTERN, { message: 'EXPORT_PASSWORD_KEYS_PREVIOUS must be a comma-separated list of keys of 16+ characters' })
  EXPORT_PASSWORD_KEYS_PREVIOUS?: string;
}
