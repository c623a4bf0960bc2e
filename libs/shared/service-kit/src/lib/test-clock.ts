import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { SystemClock } from './clock';
import { DomainError } from './problem';
import { PLATFORM_CLOCK } from './tokens';

/** `POST /admin/clock`: move the platform clock forward by seconds, or to an instant. */
export class ClockChangeRequest {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 10 * 366 * 24 * 3600, example: 172_800 }) @IsOptional() @IsInt() @Min(0) @Max(10 * 366 * 24 * 3600) advanceBySeconds?: number;
  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z' }) @IsOptional() @IsISO8601({ strict: true }) now?: string;
}

export class ClockView {
  @ApiProperty() now: string;
  @ApiProperty({ description: 'milliseconds the platform clock runs ahead of real time' }) offsetMs: number;
}

/** The gateway's offset, pushed to every service so they all read the same platform time. */
export class ClockOffsetRequest {
  @IsInt() @Min(0) offsetMs: number;
}

/** Applies a clock change to this process's clock; refuses going back or an empty change. */
export function applyClockChange(clock: SystemClock, change: ClockChangeRequest): ClockView {
  if ((change.advanceBySeconds === undefined) === (change.now === undefined)) {
    throw new DomainError('VALIDATION_FAILED', 400, 'give exactly one of advanceBySeconds or now', { errors: [{ field: 'advanceBySeconds', message: 'exactly one of advanceBySeconds or now' }] });
  }
  try {
    if (change.advanceBySeconds !== undefined) clock.advanceBy(change.advanceBySeconds * 1000);
    else clock.setNow(new Date(change.now!));
  } catch (error) {
    throw new DomainError('CLOCK_CANNOT_GO_BACK', 409, (error as Error).message);
  }
  return { now: clock.now().toISOString(), offsetMs: clock.offset };
}

/** The service side of the test clock (only registered with TEST_CLOCK=1); the gateway fans out to it. */
@Controller('admin/clock')
export class TestClockController {
  constructor(@Inject(PLATFORM_CLOCK) private readonly clock: SystemClock) {}

  @Get()
  read(): ClockView {
    return { now: this.clock.now().toISOString(), offsetMs: this.clock.offset };
  }

  @Put('offset')
  adopt(@Body() request: ClockOffsetRequest): ClockView {
    this.clock.adoptOffset(request.offsetMs);
    return this.read();
  }
}
