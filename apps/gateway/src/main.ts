import 'reflect-metadata';
import { configureGatewayHttp, GATEWAY_PREFIX, GATEWAY_SERVICE_NAME, GatewayConfig, GatewayModule } from '@orderline/gateway/service';
import { runService } from '@orderline/shared/service-kit';

void runService({
  serviceName: GATEWAY_SERVICE_NAME,
  configClass: GatewayConfig,
  globalPrefix: GATEWAY_PREFIX,
  public: true,
  module: (config, logger) => GatewayModule.register({ config, logger }),
  configure: (app) => configureGatewayHttp(app),
});
