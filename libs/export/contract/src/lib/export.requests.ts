import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { CONSIGNEE_MODES, ConsigneeMode, EXPORT_FORMATS, EXPORT_TASK_STATUSES, EXPORT_TYPES, ExportFormat, ExportType } from '@orderline/export/codes';
import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsObject, IsOptional, IsString, Length, ValidateNested } from 'class-validator';

/** The export type codes of domain.md §5, declared once in `@orderline/export/codes` (the export domain holds their rules). */
export const EXPORT_TYPE_CODES = EXPORT_TYPES;
export type ExportTypeCode = ExportType;

export const EXPORT_STATUSES = EXPORT_TASK_STATUSES;

export class ExportFiltersRequest {
  @ApiPropertyOptional({ example: ['WAITING_OUTBOUND'], description: 'order (or alert / compensation) status' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @Length(1, 40, { each: true }) status?: string[];
  @ApiPropertyOptional({ example: ['CREDIT'] })
  @IsOptional() @IsArray() @ArrayMaxSize(3) @IsIn(['ONLINE', 'COD', 'CREDIT'], { each: true }) paymentMethod?: Array<'ONLINE' | 'COD' | 'CREDIT'>;
  @ApiPropertyOptional({ example: 'sku-kettle-01' }) @IsOptional() @IsString() @Length(1, 64) skuId?: string;
}

/** `POST /merchant/exports` (architecture.md payload sketch). */
export class CreateExportRequest {
  @ApiProperty({ enum: EXPORT_TYPE_CODES, example: 'ORDER_DETAILS' }) @IsIn(EXPORT_TYPE_CODES) type: ExportTypeCode;
  @ApiProperty({ enum: EXPORT_FORMATS }) @IsIn(EXPORT_FORMATS) format: ExportFormat;
  @ApiProperty({ enum: CONSIGNEE_MODES, description: 'FULL needs the EXPORT_SENSITIVE permission' }) @IsIn(CONSIGNEE_MODES) consigneeMode: ConsigneeMode;
  @ApiProperty({ example: '2026-03-01T00:00:00Z', description: 'start of the time range (inclusive)' }) @IsISO8601({ strict: true }) from: string;
  @ApiProperty({ example: '2026-03-31T00:00:00Z', description: 'end of the time range (exclusive)' }) @IsISO8601({ strict: true }) to: string;
  @ApiPropertyOptional({ type: ExportFiltersRequest }) @IsOptional() @IsObject() @ValidateNested() @Type(() => ExportFiltersRequest) filters?: ExportFiltersRequest;
}

export interface ExportTaskView {
  id: string;
  type: ExportTypeCode;
  format: ExportFormat;
  consigneeMode: ConsigneeMode;
  from: string;
  to: string;
  filters: Record<string, unknown>;
  status: (typeof EXPORT_STATUSES)[number];
  encrypted: boolean;
  progress: { rowsDone: number; rowsTotal: number | null };
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  failedAt: string | null;
  failure: string | null;
  attempts: number;
  file: { name: string; size: number; contentType: string; expiresAt: string; expired: boolean } | null;
}

/** What the export service hands the gateway (and only the gateway) for the password SMS. */
export interface PasswordReleaseView {
  taskId: string;
  /** The account that created the task: the SMS goes to its phone (domain.md §5). */
  accountId: string;
  password: string;
  sendsToday: number;
  dailyLimit: number;
}
