import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Carriers } from '../app/carriers';
import { RegisterCarrierRequest } from './account.requests';
import { Roles } from './auth.guard';
import { CarrierView, CarrierWithSecretView } from './gateway.views';
import { Answers, Operation } from './api-operation';

@ApiTags('auth & accounts')
@ApiBearerAuth()
@Controller('carriers')
export class CarriersController {
  constructor(private readonly carriers: Carriers) {}

  /** Registers a carrier; the answer holds its webhook secret, shown this once. */
  @Operation('registerCarrier', 'Register a carrier and get its webhook secret')
  @Roles('OPERATOR')
  @Post()
  @Answers(201, CarrierWithSecretView, 'the carrier with its webhook secret (shown this once)')
  register(@Body() request: RegisterCarrierRequest): Promise<CarrierWithSecretView> {
    return this.carriers.register(request.code, request.name);
  }

  @Operation('listCarriers', 'List the carriers')
  @Roles('OPERATOR')
  @Get()
  @Answers(200, [CarrierView], 'the carriers')
  list(): Promise<CarrierView[]> {
    return this.carriers.list();
  }

  @Operation('rotateCarrierSecret', 'Rotate a carrier\'s webhook secret')
  @Roles('OPERATOR')
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Answers(200, CarrierWithSecretView, 'the carrier with its webhook secret (shown this once)')
  rotate(@Param('id', new ParseUUIDPipe()) id: string): Promise<CarrierWithSecretView> {
    return this.carriers.rotateSecret(id);
  }
}
