import 'reflect-metadata';
import { ExportServiceConfig, ExportServiceModule, EXPORT_SERVICE_NAME } from '@orderline/export/service';
import { runService } from '@orderline/shared/service-kit';

void runService({
  serviceName: EXPORT_SERVICE_NAME,
  configClass: ExportServiceConfig,
  module: (config, logger) => ExportServiceModule.register({ config, logger }),
});
