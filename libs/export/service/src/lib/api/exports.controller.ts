import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { createReadStream } from 'node:fs';
import { CreateExportRequest, ExportTaskPageView, ExportTaskView, ReadModelStatusView } from '@orderline/export/contract';
import { CurrentPrincipal, DomainError, Principal } from '@orderline/shared/service-kit';
import { ExportTasks } from '../app/export-tasks';
import { ExportFileStore } from '../infra/export-file-store';
import { ReadModelStatus } from '../infra/read-model-status';

/** The export service's internal API (the gateway checks tokens, locks and permissions first). */
@Controller('exports')
export class ExportsController {
  constructor(
    private readonly tasks: ExportTasks,
    private readonly files: ExportFileStore,
    private readonly readModel: ReadModelStatus,
  ) {}

  @Post()
  @HttpCode(202)
  create(@Body() request: CreateExportRequest, @CurrentPrincipal() caller: Principal): Promise<ExportTaskView> {
    return this.tasks.create(request, caller);
  }

  @Get()
  list(@Query('limit') limit: string | undefined, @Query('cursor') cursor: string | undefined, @CurrentPrincipal() caller: Principal): Promise<ExportTaskPageView> {
    const size = limit === undefined ? 20 : Number(limit);
    if (!Number.isInteger(size) || size < 1 || size > 100) throw new DomainError('VALIDATION_FAILED', 400, 'limit must be an integer from 1 to 100', { errors: [{ field: 'limit', message: 'an integer from 1 to 100' }] });
    return this.tasks.list(caller, size, cursor);
  }

  /** How far behind the read model is (operators). */
  @Get('read-model')
  readModelStatus(): Promise<ReadModelStatusView> {
    return this.readModel.status();
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<ExportTaskView> {
    return this.tasks.get(id, caller);
  }

  @Post(':id/retry')
  @HttpCode(202)
  retry(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<ExportTaskView> {
    return this.tasks.retry(id, caller);
  }

  /** Internal only: the password goes to the gateway, which sends it by SMS and never returns it. */
  @Post(':id/password-release')
  @HttpCode(200)
  releasePassword(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal) {
    return this.tasks.releasePassword(id, caller);
  }

  /** The file, streamed from disk. */
  @Get(':id/file')
  async file(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal, @Res() response: Response): Promise<void> {
    const file = await this.tasks.file(id, caller);
    if (!(await this.files.exists(file.fileName))) throw new DomainError('EXPORT_FILE_EXPIRED', 410, 'the file is no longer available; create a new task');
    response.status(200);
    response.setHeader('content-type', file.contentType);
    response.setHeader('content-length', String(file.size));
    response.setHeader('content-disposition', file.disposition);
    const stream = createReadStream(this.files.finalPath(file.fileName));
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  }
}
