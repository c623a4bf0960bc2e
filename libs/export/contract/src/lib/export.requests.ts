import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { PAYMENT_METHODS, PaymentMethod } from '@orderline/shared/platform-rules';
import { CONSIGNEE_MODES, DEFAULT_EXPORT_LANGUAGE, EXPORT_FORMATS, EXPORT_LANGUAGES, EXPORT_TASK_STATUSES, EXPORT_TYPES, ExportLanguage, ExportType } from '@orderline/export/codes';
import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsObject, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { ApiCode, ApiFlag, ApiInteger, ApiMap, ApiText, ApiTimestamp, ApiUuid, ApiView } from '@orderline/shared/contracts';

// The code lists are declared once in `@orderline/export/codes` (the export domain holds their rules);
// the contract names them as its schemas do.
/** The export type codes of domain.md §5. */
export const EXPORT_TYPE_CODES = EXPORT_TYPES;
export type ExportTypeCode = ExportType;

export const EXPORT_STATUSES = EXPORT_TASK_STATUSES;
export const EXPORT_FORMAT_CODES = EXPORT_FORMATS;
export const CONSIGNEE_MODE_CODES = CONSIGNEE_MODES;
export const EXPORT_LANGUAGE_CODES = EXPORT_LANGUAGES;
/**
 * The media types of export files as the export service serves them (exportFileKind in the
 * export domain; export-file-kind.spec.ts checks both agree): encrypted types are AES zips.
 */
export const EXPORT_FILE_MEDIA_TYPES = { CSV: 'text/csv', XLSX: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ENCRYPTED: 'application/zip' } as const;

export class ExportFiltersRequest {
  @ApiPropertyOptional({ example: ['WAITING_OUTBOUND'], description: 'order (or alert / compensation) status' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @Length(1, 40, { each: true }) status?: string[];
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', enum: [...PAYMENT_METHODS] }, example: ['CREDIT'] })
  @IsOptional() @IsArray() @ArrayMaxSize(3) @IsIn(PAYMENT_METHODS, { each: true }) paymentMethod?: PaymentMethod[];
  @ApiPropertyOptional({ example: 'sku-kettle-01' }) @IsOptional() @IsString() @Length(1, 64) skuId?: string;
}

/** `POST /merchant/exports` (architecture.md payload sketch). */
export class CreateExportRequest {
  @ApiProperty({ enum: EXPORT_TYPE_CODES, example: 'ORDER_DETAILS' }) @IsIn(EXPORT_TYPE_CODES) type: ExportTypeCode;
  @ApiProperty({ enum: EXPORT_FORMAT_CODES }) @IsIn(EXPORT_FORMAT_CODES) format: (typeof EXPORT_FORMAT_CODES)[number];
  @ApiProperty({ enum: CONSIGNEE_MODE_CODES, description: 'FULL needs the EXPORT_SENSITIVE permission' }) @IsIn(CONSIGNEE_MODE_CODES) consigneeMode: (typeof CONSIGNEE_MODE_CODES)[number];
  @ApiProperty({ example: '2026-03-01T00:00:00Z', description: 'start of the time range (inclusive)' }) @IsISO8601({ strict: true }) from: string;
  @ApiProperty({ example: '2026-03-31T00:00:00Z', description: 'end of the time range (exclusive)' }) @IsISO8601({ strict: true }) to: string;
  @ApiPropertyOptional({ type: ExportFiltersRequest }) @IsOptional() @IsObject() @ValidateNested() @Type(() => ExportFiltersRequest) filters?: ExportFiltersRequest;
  @ApiPropertyOptional({ enum: EXPORT_LANGUAGE_CODES, default: DEFAULT_EXPORT_LANGUAGE, description: 'language of the column headers and the file name (codes and values are the same in both)' })
  @IsOptional() @IsIn(EXPORT_LANGUAGE_CODES) language?: ExportLanguage;
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

// ---- What the export service answers: the TypeScript it returns and the OpenAPI schemas (docs/api.md).

export class ExportProgressView {
  @ApiInteger({ minimum: 0 }) rowsDone: number;
  @ApiInteger({ nullable: true, minimum: 0 }) rowsTotal: number | null;
}

export class ExportFileView {
  @ApiText() name: string;
  @ApiInteger({ minimum: 0, description: 'bytes' }) size: number;
  @ApiText({ example: 'text/csv; charset=utf-8' }) contentType: string;
  @ApiTimestamp() expiresAt: string;
  @ApiFlag() expired: boolean;
}

export class ExportTaskView {
  @ApiUuid() id: string;
  @ApiCode(EXPORT_TYPE_CODES) type: (typeof EXPORT_TYPE_CODES)[number];
  @ApiCode(EXPORT_FORMAT_CODES) format: (typeof EXPORT_FORMAT_CODES)[number];
  @ApiCode(CONSIGNEE_MODE_CODES) consigneeMode: (typeof CONSIGNEE_MODE_CODES)[number];
  @ApiCode(EXPORT_LANGUAGE_CODES) language: (typeof EXPORT_LANGUAGE_CODES)[number];
  @ApiTimestamp() from: string;
  @ApiTimestamp() to: string;
  @ApiMap('any') filters: Record<string, unknown>;
  @ApiCode(EXPORT_STATUSES) status: (typeof EXPORT_STATUSES)[number];
  @ApiFlag() encrypted: boolean;
  @ApiView(ExportProgressView) progress: ExportProgressView;
  @ApiUuid() createdBy: string;
  @ApiTimestamp() createdAt: string;
  @ApiTimestamp({ nullable: true }) startedAt: string | null;
  @ApiTimestamp({ nullable: true }) completedAt: string | null;
  @ApiTimestamp({ nullable: true }) failedAt: string | null;
  @ApiText({ nullable: true }) failure: string | null;
  @ApiInteger({ minimum: 0 }) attempts: number;
  @ApiView(ExportFileView, { nullable: true }) file: ExportFileView | null;
}

export class ExportTaskPageView {
  @ApiView([ExportTaskView]) items: ExportTaskView[];
  @ApiText({ nullable: true }) nextCursor: string | null;
}

export class ReadModelTopicLagView {
  @ApiText() topic: string;
  @ApiInteger({ minimum: 0 }) behindEvents: number;
}

export class ReadModelStatusView {
  @ApiText() consumerGroup: string;
  @ApiInteger({ nullable: true, minimum: 0, description: 'null when the bus could not be asked' }) behindEvents: number | null;
  @ApiView([ReadModelTopicLagView]) topics: ReadModelTopicLagView[];
  @ApiTimestamp({ nullable: true }) lastAppliedAt: string | null;
  @ApiInteger({ minimum: 0 }) appliedEvents: number;
  @ApiMap('integer', { description: 'rows per read-model table' }) rows: Record<string, number>;
}
