import { IsIn, IsInt, IsString, IsUUID, Min } from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';

export class ExportCompletedPayload {
  @IsUUID() taskId: string;
  @IsUUID() merchantId: string;
  @IsUUID() accountId: string;
  /** Export type code of domain.md §5, e.g. ORDER_DETAILS. */
  @IsString() type: string;
  @IsIn(['CSV', 'XLSX']) format: 'CSV' | 'XLSX';
  @IsInt() @Min(0) rows: number;
  /** When the file stops being downloadable (ISO-8601). */
  @IsString() expiresAt: string;
}

/** Exports topic, keyed by task id. */
export const ExportCompleted = defineEvent({
  type: 'ExportCompleted',
  version: 1,
  topic: Topics.exports,
  payload: ExportCompletedPayload,
  description: 'An export task finished and its file can be downloaded until expiresAt (domain.md §5). Never carries the file password.',
  keyOf: (p) => p.taskId,
});
