import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
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

/**
 * TEST_CLOCK=1 only: each process keeps the offset in its own database and reads it back when it
 * starts, before it handles a request or an event. Found by `npm run chaos`: a credit-billing
 * SIGKILLed and restarted ran at offset 0 until the gateway's next push, booked a loan weeks
 * before its account's next statement date, and every later call on that account failed. (The
 * table is test-only, so it is created here rather than by a migration.)
 */
export async function restoreTestClock(dataSource: DataSource, clock: SystemClock): Promise<void> {
  await dataSource.query(`CREATE TABLE IF NOT EXISTS test_clock_offset (id integer PRIMARY KEY CHECK (id = 1), offset_ms bigint NOT NULL)`);
  const [row] = await dataSource.query(`SELECT offset_ms FROM test_clock_offset WHERE id = 1`);
  if (row) clock.adoptOffset(Number(row.offset_ms));
}

/** Records this process's offset (never lowering the recorded one: the clock never goes back). */
export async function persistTestClock(dataSource: DataSource, clock: SystemClock): Promise<void> {
  await dataSource.query(
    `INSERT INTO test_clock_offset (id, offset_ms) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET offset_ms = GREATEST(test_clock_offset.offset_ms, EXCLUDED.offset_ms)`,
    [clock.offset],
  );
}

/** The service side of the test clock (only registered with TEST_CLOCK=1); the gateway fans out to it. */
@Controller('admin/clock')
export class TestClockController {
  constructor(
    @Inject(PLATFORM_CLOCK) private readonly clock: SystemClock,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  read(): ClockView {
    return { now: this.clock.now().toISOString(), offsetMs: this.clock.offset };
  }

  @Put('offset')
  async adopt(@Body() request: ClockOffsetRequest): Promise<ClockView> {
    this.clock.adoptOffset(request.offsetMs);
    await persistTestClock(this.dataSource, this.clock);
    return this.read();
  }
}
