import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { DeadLetters, DeadLetterView } from '@orderline/shared/messaging';
import { CurrentPrincipal, Principal } from './principal';
import { DomainError } from './problem';

/** Which dead letters an operator lists or re-drives (every waiting one when empty). */
export class DeadLetterFilterRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'only the dead letters of this event' }) @IsOptional() @IsUUID() eventId?: string;
  @ApiPropertyOptional({ description: 'only those of this original topic', example: 'after-sales.v1', maxLength: 100, pattern: '^[a-z0-9._-]+$' }) @IsOptional() @IsString() @MaxLength(100) @Matches(/^[a-z0-9._-]+$/) topic?: string;
}

/** What one service answers about its consumer group's dead letters. */
export interface DeadLettersView {
  consumerGroup: string;
  deadLetters: DeadLetterView[];
}

/**
 * Operators see and re-drive what this service's consumer group dead-lettered (issue 13
 * item 4); the gateway's `/admin/dead-letters` fans out to every service.
 */
@Controller('admin/dead-letters')
export class DeadLetterAdminController {
  constructor(private readonly deadLetters: DeadLetters) {}

  @Get()
  async list(@Query() filter: DeadLetterFilterRequest, @CurrentPrincipal() caller: Principal): Promise<DeadLettersView> {
    assertOperator(caller);
    return { consumerGroup: this.deadLetters.groupId, deadLetters: await this.deadLetters.list(filter) };
  }

  @Post('redrive')
  @HttpCode(200)
  async redrive(@Body() filter: DeadLetterFilterRequest, @CurrentPrincipal() caller: Principal): Promise<{ redriven: DeadLetterView[] }> {
    assertOperator(caller);
    return { redriven: await this.deadLetters.redrive(filter) };
  }
}

function assertOperator(caller: Principal | undefined): void {
  if (caller?.role !== 'OPERATOR') throw new DomainError('FORBIDDEN', 403, 'only operators re-drive dead letters');
}
