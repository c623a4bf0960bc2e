import 'reflect-metadata';
import { ExportServiceModule, EXPORT_SERVICE_NAME } from '@orderline/export/service';
import { BaseServiceConfig, runService } from '@orderline/shared/service-kit';

void runService({
  serviceName: EXPORT_SERVICE_NAME,
  configClass: BaseServiceConfig,
  module: (config, logger) => ExportServiceModule.register({ config, logger }),
});
