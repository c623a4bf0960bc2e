import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Lints `source` as if it were the file at `filePath`; returns the rule ids reported as errors. */
function lintErrors(filePath: string, source: string): string[] {
  const result = spawnSync(process.execPath, [join(root, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', filePath], {
    cwd: root,
    input: source,
    env: { ...process.env, NX_DAEMON: 'false' },
    encoding: 'utf8',
  });
  const [report] = JSON.parse(result.stdout) as Array<{ messages: Array<{ ruleId: string; severity: number; message: string }> }>;
  return report.messages.filter((message) => message.severity === 2).map((message) => `${message.ruleId}: ${message.message}`);
}

describe('module boundaries (Nx tags + lint)', () => {
  beforeAll(() => {
    // The rule reads the cached project graph.
    execFileSync(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
  });

  it('refuses a framework import in domain code', () => {
    expect(lintErrors('libs/order/domain/src/lib/leak.ts', "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n")).toEqual([
      expect.stringMatching(/enforce-module-boundaries.*@nestjs\/common/),
    ]);
    expect(lintErrors('libs/credit-billing/domain/src/lib/leak.ts', "import { DataSource } from 'typeorm';\nexport const x = DataSource;\n")).toEqual([expect.stringMatching(/typeorm/)]);
  });

  it('refuses one service reaching into another service\'s code', () => {
    expect(lintErrors('libs/credit-billing/service/src/lib/leak.ts', "import { OrderServiceModule } from '@orderline/order/service';\nexport const x = OrderServiceModule;\n")).toEqual([
      expect.stringMatching(/enforce-module-boundaries/),
    ]);
  });

  it('refuses an app importing another app', () => {
    expect(lintErrors('apps/order-service/src/leak.ts', "import '../../gateway/src/main';\n")).toEqual([expect.stringMatching(/enforce-module-boundaries/)]);
  });

  it('keeps the generated API client out of apps and services (it is for tests and tools)', () => {
    const source = "import { createOrderlineClient } from '@orderline/shared/api-client';\nexport const x = createOrderlineClient;\n";
    expect(lintErrors('apps/gateway/src/leak.ts', source)).toEqual([expect.stringMatching(/enforce-module-boundaries/)]);
    expect(lintErrors('libs/gateway/service/src/lib/leak.ts', source)).toEqual([expect.stringMatching(/enforce-module-boundaries/)]);
    expect(lintErrors('libs/shared/service-kit/src/lib/leak.ts', source)).toEqual([expect.stringMatching(/enforce-module-boundaries/)]);
    expect(lintErrors('tests/support/fine.ts', source)).toEqual([]);
  });

  it('allows what the architecture allows', () => {
    expect(lintErrors('libs/order/domain/src/lib/fine.ts', "import { sumFen } from '@orderline/shared/money';\nexport const x = sumFen;\n")).toEqual([]);
    expect(lintErrors('libs/gateway/service/src/lib/fine.ts', "import { PlaceOrderRequest } from '@orderline/order/contract';\nexport const x = PlaceOrderRequest;\n")).toEqual([]);
  });
});
