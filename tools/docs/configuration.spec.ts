import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { AfterSalesConfig } from '@orderline/after-sales/service';
import { CreditBillingConfig } from '@orderline/credit-billing/service';
import { ExportServiceConfig } from '@orderline/export/service';
import { GatewayConfig } from '@orderline/gateway/service';
import { LogisticsServiceConfig } from '@orderline/logistics/service';
import { OrderServiceConfig } from '@orderline/order/service';
import { BaseServiceConfig } from '@orderline/shared/service-kit';

const { configClasses, configurationFiles } = require('./configuration-docs.cjs') as {
  configClasses: () => Record<string, { variables: Array<{ name: string; default: string }> }>;
  configurationFiles: () => Record<string, string>;
};

const root = join(__dirname, '..', '..');
const CLASSES: Record<string, new () => object> = { BaseServiceConfig, GatewayConfig, OrderServiceConfig, LogisticsServiceConfig, AfterSalesConfig, CreditBillingConfig, ExportServiceConfig };

describe('configuration docs and .env.example files (generated from the config classes)', () => {
  it('are up to date (node tools/docs/write-configuration.mjs)', () => {
    for (const [file, text] of Object.entries(configurationFiles())) expect({ file, text: readFileSync(join(root, file), 'utf8') }).toEqual({ file, text });
  });

  it('list every validated variable of each class with the default a new instance really has', () => {
    const parsed = configClasses();
    for (const [name, configClass] of Object.entries(CLASSES)) {
      const own = getMetadataStorage()
        .getTargetValidationMetadatas(configClass, '', true, false)
        .filter((meta) => meta.target === configClass)
        .map((meta) => meta.propertyName);
      const documented = parsed[name].variables;
      expect(documented.map((v) => v.name).sort()).toEqual([...new Set(own)].sort());
      const instance = new configClass() as Record<string, unknown>;
      for (const variable of documented) {
        const actual = instance[variable.name];
        if (actual === undefined) expect({ name: variable.name, default: variable.default }).toEqual({ name: variable.name, default: expect.stringMatching(/^(unset|required)$/) });
        else expect({ name: variable.name, default: variable.default.replace(/ \(MAX_FEN\)$/, '') }).toEqual({ name: variable.name, default: actual === '' ? '(empty)' : String(actual) });
      }
    }
  });
});
