import 'reflect-metadata';
import { GATEWAY_PREFIX, GATEWAY_SERVICE_NAME, GatewayConfig, GatewayModule, mountApiDocs } from '@orderline/gateway/service';
import { runService } from '@orderline/shared/service-kit';

void runService({
  serviceName: GATEWAY_SERVICE_NAME,
  configClass: GatewayConfig,
  globalPrefix: GATEWAY_PREFIX,
  public: true,
  module: (config, logger) => GatewayModule.register({ config, logger }),
  configure: (app) => mountApiDocs(app),
});
