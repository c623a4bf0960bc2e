import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import type { Response } from 'express';
import { CreateExportRequest, EXPORT_FILE_MEDIA_TYPES, ExportTaskPageView, ExportTaskView, ReadModelStatusView } from '@orderline/export/contract';
import { Principal } from '@orderline/shared/service-kit';
import { MerchantExports } from '../app/merchant-exports';
import { ServiceClient } from '../infra/service-client';
import { RequirePermission, Roles } from './auth.guard';
import { Caller } from './caller.decorator';
import { ExportLockView, ExportPasswordSentView } from './gateway.views';
import { Answers, AnswersFile, AnswersProblem, Operation } from './api-operation';

const TASK_EXAMPLE = {
  id: '0b9f1f5e-7c1a-4c52-9a53-5f1f0d9d2a10',
  type: 'ORDER_DETAILS',
  format: 'CSV',
  consigneeMode: 'MASKED',
  language: 'zh-CN',
  from: '2026-03-01T00:00:00.000Z',
  to: '2026-03-31T00:00:00.000Z',
  filters: {},
  status: 'QUEUED',
  encrypted: true,
  progress: { rowsDone: 0, rowsTotal: null },
  createdBy: 'a1b2c3d4-0000-4000-8000-000000000001',
  createdAt: '2026-03-31T02:00:00.000Z',
  startedAt: null,
  completedAt: null,
  failedAt: null,
  failure: null,
  attempts: 0,
  file: null,
} as const;

export class ExportHistoryQuery {
  @ApiPropertyOptional({ default: 20, maximum: 100 }) @IsOptional() @IsString() limit?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) cursor?: string;
}

export class ExportLockRequest {
  @ApiProperty() @IsBoolean() locked: boolean;
  @ApiPropertyOptional({ example: 'bulk export of consumer data under review' }) @IsOptional() @IsString() @Length(1, 200) reason?: string;
}

/** The export center (domain.md §5). */
@ApiTags('export')
@ApiBearerAuth()
@Controller('merchant/exports')
export class MerchantExportsController {
  constructor(
    private readonly exports: MerchantExports,
    private readonly services: ServiceClient,
  ) {}

  /** Queues an export task (202); limits per account and type: 10 min apart, 10 a day, 31/60-day ranges. Headers and file name in Chinese unless `language` is `en`. */
  @Operation('createExport', 'Queue an export task')
  @Roles('MERCHANT')
  @RequirePermission('EXPORT')
  @Answers(202, ExportTaskView, 'the queued task', TASK_EXAMPLE)
  @Post()
  @HttpCode(202)
  create(@Body() request: CreateExportRequest, @Caller() caller: Principal): Promise<ExportTaskView> {
    return this.exports.create(request, caller);
  }

  /** Task history of the merchant, newest first. */
  @Operation('listExports', 'List the merchant\'s export tasks')
  @Roles('MERCHANT')
  @RequirePermission('EXPORT')
  @Answers(200, ExportTaskPageView, 'a page of tasks', { items: [TASK_EXAMPLE], nextCursor: null })
  @Get()
  list(@Query() query: ExportHistoryQuery, @Caller() caller: Principal): Promise<ExportTaskPageView> {
    const search = new URLSearchParams();
    if (query.limit) search.set('limit', query.limit);
    if (query.cursor) search.set('cursor', query.cursor);
    return this.services.call('export', 'GET', `/exports${search.size ? `?${search}` : ''}`, caller);
  }

  /** One task with its progress (rows done / total) and, once COMPLETED, its file. */
  @Operation('getExport', 'Get an export task')
  @Roles('MERCHANT')
  @RequirePermission('EXPORT')
  @Answers(200, ExportTaskView, 'the task', { ...TASK_EXAMPLE, status: 'RUNNING', startedAt: '2026-03-31T02:00:01.000Z', progress: { rowsDone: 5000, rowsTotal: 12000 }, attempts: 1 })
  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<ExportTaskView> {
    return this.services.call('export', 'GET', `/exports/${id}`, caller);
  }

  /** Runs a FAILED task again (same task and password; not a new task for the limits). */
  @Operation('retryExport', 'Run a failed export task again')
  @Roles('MERCHANT')
  @RequirePermission('EXPORT')
  @Post(':id/retry')
  @HttpCode(202)
  @Answers(202, ExportTaskView, 'the queued task')
  async retry(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<ExportTaskView> {
    await this.exports.assertNotLocked(caller);
    return this.services.call('export', 'POST', `/exports/${id}/retry`, caller);
  }

  /** The file (CSV, XLSX, or an AES-256 zip for encrypted types), for the merchant that created it. */
  @Operation('downloadExportFile', 'Download an export file')
  @AnswersProblem(410, 'EXPORT_FILE_EXPIRED: the file expired; create a new task')
  @Roles('MERCHANT')
  @RequirePermission('EXPORT')
  @Get(':id/file')
  @AnswersFile('the file: CSV, XLSX, or an AES-256 zip for encrypted types', EXPORT_FILE_MEDIA_TYPES.CSV, EXPORT_FILE_MEDIA_TYPES.XLSX, EXPORT_FILE_MEDIA_TYPES.ENCRYPTED)
  async file(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal, @Res() response: Response): Promise<void> {
    await this.exports.download(id, caller, response);
  }

  /** Sends the password of an encrypted file to the phone of the account that created the task (5 a day, 60 s apart). */
  @Operation('sendExportPassword', 'Send an encrypted export\'s password by SMS')
  @Roles('MERCHANT')
  @RequirePermission('EXPORT')
  @Answers(200, ExportPasswordSentView, 'where the SMS went', { taskId: TASK_EXAMPLE.id, sentTo: '139****0000', sendsToday: 1, dailyLimit: 5 })
  @AnswersProblem(410, 'EXPORT_PASSWORD_UNREADABLE: the password was sealed under an export key no longer held; create a new task')
  @Post(':id/password-sms')
  @HttpCode(200)
  passwordSms(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<ExportPasswordSentView> {
    return this.exports.sendPassword(id, caller);
  }
}

/** Operators: risk-control lock of a merchant's exports, and the export read model's lag. */
@ApiTags('export')
@ApiBearerAuth()
@Controller()
export class ExportOperationsController {
  constructor(
    private readonly exports: MerchantExports,
    private readonly services: ServiceClient,
  ) {}

  @Operation('setExportLock', 'Lock or unlock a merchant\'s exports')
  @Roles('OPERATOR')
  @Put('merchants/:id/export-lock')
  @Answers(200, ExportLockView, 'the lock as stored')
  lock(@Param('id', new ParseUUIDPipe()) merchantId: string, @Body() request: ExportLockRequest, @Caller() caller: Principal): Promise<ExportLockView> {
    return this.exports.setLock(merchantId, request.locked, request.reason, caller);
  }

  /** How far behind the export read model is (events still to apply per topic). */
  @Operation('getExportReadModelStatus', 'Get how far behind the export read model is')
  @Roles('OPERATOR')
  @Get('exports/read-model')
  @Answers(200, ReadModelStatusView, "the read model's lag per topic")
  readModel(@Caller() caller: Principal): Promise<ReadModelStatusView> {
    return this.services.call('export', 'GET', '/exports/read-model', caller);
  }
}
