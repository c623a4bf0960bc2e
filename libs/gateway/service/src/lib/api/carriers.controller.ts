import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Carriers } from '../app/carriers';
import { RegisterCarrierRequest } from './account.requests';
import { Roles } from './auth.guard';

@ApiTags('auth & accounts')
@ApiBearerAuth()
@Controller('carriers')
export class CarriersController {
  constructor(private readonly carriers: Carriers) {}

  /** Registers a carrier; the answer holds its webhook secret, shown this once. */
  @Roles('OPERATOR')
  @Post()
  register(@Body() request: RegisterCarrierRequest) {
    return this.carriers.register(request.code, request.name);
  }

  @Roles('OPERATOR')
  @Get()
  list() {
    return this.carriers.list();
  }

  @Roles('OPERATOR')
  @Post(':id/rotate-secret')
  @HttpCode(200)
  rotate(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.carriers.rotateSecret(id);
  }
}
