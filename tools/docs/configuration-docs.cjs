// docs/configuration.md and apps/<deployable>/.env.example, generated from the config classes
// (libs/shared/service-kit config.ts and libs/*/service/*-config.ts): every variable a
// deployable reads, its default (the property initializer) and its meaning (the property's doc
// comment). The embedded platform reads a few variables of its own, listed below.
// Write: `node tools/docs/write-configuration.mjs`; tools/docs/configuration.spec.ts fails when
// the written files differ from what the classes say.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const ts = require('typescript');
const { SERVICES } = require('../stack/stack.js');

const root = join(__dirname, '..', '..');

const CONFIG_FILES = [
  'libs/shared/service-kit/src/lib/config.ts',
  'libs/gateway/service/src/lib/gateway-config.ts',
  'libs/order/service/src/lib/order-service-config.ts',
  'libs/logistics/service/src/lib/logistics-config.ts',
  'libs/after-sales/service/src/lib/after-sales-config.ts',
  'libs/credit-billing/service/src/lib/credit-billing-config.ts',
  'libs/export/service/src/lib/export-service-config.ts',
];

/** The config class of each deployable; ports and databases as `npm run stack` gives them (tools/stack/stack.js). */
const CONFIG_CLASS_OF = {
  gateway: 'GatewayConfig',
  'order-service': 'OrderServiceConfig',
  'logistics-service': 'LogisticsServiceConfig',
  'after-sales-service': 'AfterSalesConfig',
  'credit-billing-service': 'CreditBillingConfig',
  'export-service': 'ExportServiceConfig',
};
const DEPLOYABLES = [{ app: 'gateway', database: 'gateway', offset: 0 }, ...SERVICES].map((d) => ({
  app: d.app,
  configClass: CONFIG_CLASS_OF[d.app],
  port: 3000 + d.offset,
  database: `orderline_${d.database}`,
}));

/** Values for the variables that have no default, as a local stack would set them. */
function exampleValue(deployable, name) {
  const byPort = Object.fromEntries(DEPLOYABLES.map((d) => [d.app, d.port]));
  const examples = {
    PORT: String(deployable.port),
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${deployable.database}`,
    KAFKA_BROKERS: '127.0.0.1:9092',
    JWT_SECRET: 'change-me-at-least-16-characters',
    BOOTSTRAP_OPERATOR: 'operator:change-this-password',
    ORDER_SERVICE_URL: `http://127.0.0.1:${byPort['order-service']}`,
    CREDIT_BILLING_SERVICE_URL: `http://127.0.0.1:${byPort['credit-billing-service']}`,
    LOGISTICS_SERVICE_URL: `http://127.0.0.1:${byPort['logistics-service']}`,
    AFTER_SALES_SERVICE_URL: `http://127.0.0.1:${byPort['after-sales-service']}`,
    EXPORT_SERVICE_URL: `http://127.0.0.1:${byPort['export-service']}`,
  };
  return examples[name];
}

/** What `npm start` (apps/platform) reads itself; it configures the services and the gateway from these. */
const EMBEDDED_VARIABLES = [
  { name: 'PORT', default: '3000', meaning: 'The gateway’s port.' },
  { name: 'HOST', default: '127.0.0.1', meaning: 'Address the gateway binds to; `0.0.0.0` serves other machines (the default operator password is then a risk: set BOOTSTRAP_OPERATOR).' },
  { name: 'ORDERLINE_DATA_DIR', default: '.orderline-data', meaning: 'Folder of the embedded databases (one PGlite per service, one for the bus) and the kept secrets.' },
  { name: 'ORDERLINE_EPHEMERAL', default: 'unset', meaning: '`1` (or the `--ephemeral` argument): keep nothing, everything in memory.' },
  { name: 'LOG_LEVEL', default: 'info', meaning: '`debug`, `info`, `warn` or `error`.' },
  { name: 'LOG_FORMAT', default: 'pretty on a terminal, else json', meaning: '`pretty`: one readable line per entry and a quiet start-up that prints one ready line; `json`: one JSON object per line (docs/observability.md).' },
  { name: 'TEST_CLOCK', default: '1 (unless NODE_ENV=production)', meaning: 'Embedded mode is the try-it mode: the platform clock can be moved (`POST /admin/clock`), which `npm run demo` uses. `0` turns it off.' },
  { name: 'NODE_ENV', default: 'development', meaning: '`production` turns the test clock off unless TEST_CLOCK=1.' },
  { name: 'JWT_SECRET', default: 'generated, kept in the data folder', meaning: 'HS256 secret of the access tokens.' },
  { name: 'PERSONAL_DATA_KEY', default: 'generated, kept in the data folder', meaning: 'Seals personal data inside events; kept so the export read model can be rebuilt after a restart.' },
  { name: 'BOOTSTRAP_OPERATOR', default: 'operator:operator-password', meaning: '`username:password` of the operator created at start (the default password is accepted only in embedded mode).' },
  { name: 'PASSWORD_SCRYPT_LOG2N', default: '17', meaning: 'scrypt cost of new password hashes (see the gateway).' },
];

function docText(node, source) {
  const ranges = ts.getLeadingCommentRanges(source.text, node.pos) ?? [];
  const docs = ranges.map((range) => source.text.slice(range.pos, range.end)).filter((text) => text.startsWith('/**'));
  if (!docs.length) return '';
  return docs[docs.length - 1]
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trim())
    .filter(Boolean)
    .join(' ');
}

function defaultText(initializer, source) {
  if (!initializer) return undefined;
  const text = initializer.getText(source);
  if (/^'.*'$/.test(text)) return text.slice(1, -1) === '' ? '(empty)' : text.slice(1, -1);
  if (/^[\d_ *]+$/.test(text)) return String(text.replace(/_/g, '').split('*').reduce((product, factor) => product * Number(factor.trim()), 1));
  if (text === 'MAX_FEN') return '1000000000000 (MAX_FEN)';
  return text;
}

/** Every config class: its base class and its variables in declaration order. */
function configClasses() {
  const classes = {};
  for (const file of CONFIG_FILES) {
    const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    for (const statement of source.statements) {
      if (!ts.isClassDeclaration(statement) || !statement.name || !/Config$/.test(statement.name.text)) continue;
      const heritage = statement.heritageClauses?.[0]?.types[0]?.expression.getText(source);
      const variables = [];
      for (const member of statement.members) {
        if (!ts.isPropertyDeclaration(member) || !/^[A-Z][A-Z0-9_]+$/.test(member.name.getText(source))) continue;
        const decorators = (ts.getDecorators?.(member) ?? []).map((decorator) => decorator.expression.getText(source));
        const optional = decorators.some((decorator) => decorator.startsWith('IsOptional'));
        const value = defaultText(member.initializer, source);
        variables.push({ name: member.name.getText(source), default: value ?? (optional ? 'unset' : 'required'), required: !optional && value === undefined, meaning: docText(member, source), file });
      }
      classes[statement.name.text] = { base: heritage, variables, file };
    }
  }
  return classes;
}

/** `<` outside code spans would read as HTML in a table cell. */
function escapeOutsideCode(text) {
  return text
    .split('`')
    .map((part, index) => (index % 2 === 0 ? part.replace(/</g, '&lt;') : part))
    .join('`');
}

function table(variables) {
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...variables.map((v) => `| \`${v.name}\` | ${/^(\(empty\)|required|unset)$/.test(v.default) ? v.default.replace(/[()]/g, '') : `\`${v.default}\``} | ${escapeOutsideCode(v.meaning.replace(/\|/g, '\\|'))} |`)];
}

function renderConfigurationDoc() {
  const classes = configClasses();
  const base = classes.BaseServiceConfig;
  const lines = [
    '# Configuration',
    '',
    '<!-- Generated by `node tools/docs/write-configuration.mjs` from the config classes; do not edit by hand. -->',
    '',
    'Every deployable reads its configuration from environment variables at start, validates it',
    '(class-validator) and stops with a message naming each missing or bad variable. The tables below are',
    'generated from the config classes, so they list every variable with its real default. Each',
    'deployable has an `apps/<app>/.env.example` with the same variables (`set -a; . apps/gateway/.env.example; set +a`',
    'loads one into a shell; docker compose sets them in `docker/docker-compose.yml`).',
    '',
    `## Every service and the gateway (\`BaseServiceConfig\`, ${base.file})`,
    '',
    ...table(base.variables),
    '',
  ];
  for (const deployable of DEPLOYABLES) {
    const own = classes[deployable.configClass];
    lines.push(`## ${deployable.app} (\`${deployable.configClass}\`, ${own.file})`, '', 'In addition to the variables every service reads:', '', ...table(own.variables), '');
  }
  lines.push(
    '## Embedded mode (`npm start`, apps/platform)',
    '',
    'One process runs every service and the gateway on PGlite and the in-process bus, and sets their variables itself',
    '(database URLs, service URLs, an internal token per start). It reads only these:',
    '',
    ...table(EMBEDDED_VARIABLES),
    '',
    '## Tools',
    '',
    '- Demo (`npm run demo`): `GATEWAY_URL` (`http://localhost:3000/api/v1`), `DEMO_OPERATOR` (else `BOOTSTRAP_OPERATOR`, else `operator:operator-password`), `PLATFORM_UTC_OFFSET_MINUTES` (480).',
    '- Stack and tests: `KAFKA_BROKERS` and `POSTGRES_URL` (a server URL such as `postgres://postgres@127.0.0.1:5432/postgres`; when either is unset the infrastructure is started locally), `PORT` for `npm run stack` (3000), `TEST_PORT_SHIFT` (added to every port a test suite opens), `CHAOS_ORDERS` (1000), `CHAOS_RETURNS` (1000), `CHAOS_KILLS` (3), `CREDIT_PROPERTY_RUNS` (10000), `FC_SEED` / `FC_PATH` — see [testing](testing.md).',
    '- Infrastructure (`tools/infra/infra.mjs`): `ORDERLINE_CACHE_DIR` (`~/.cache/orderline`), `ORDERLINE_KAFKA_DATA_DIR`, `ORDERLINE_KAFKA_VERSION` (4.1.1), `ORDERLINE_KAFKA_HEAP_OPTS` (`-Xms256m -Xmx512m`), `ORDERLINE_KAFKA_JVM_OPTS` (`-XX:TieredStopAtLevel=1 -XX:+UseG1GC -XX:MaxGCPauseMillis=20`), `ORDERLINE_KAFKA_PORT` (9092), `ORDERLINE_PG_PORT` (5432), `ORDERLINE_INFRA_NO_DOCKER=1`, `ORDERLINE_INFRA_TIMEOUT_S`, `PGUSER`, `MAVEN_OPTS`.',
    '- Benchmarks: `BENCH_*`, listed in `tools/bench/README.md`.',
    '',
  );
  return lines.join('\n');
}

function envLine(variable, value, example) {
  return [`# ${variable.meaning || variable.name}${variable.required ? ' (required)' : ''}`, value === undefined ? `# ${variable.name}=${example ?? ''}` : `${variable.name}=${value}`];
}

function renderEnvExample(app) {
  const classes = configClasses();
  const header = [`# ${app}: every variable it reads, with its default. Generated by node tools/docs/write-configuration.mjs`, '# from the config classes (docs/configuration.md says the same). Unset optional ones are commented out.', ''];
  if (app === 'platform') {
    return [...header, ...EMBEDDED_VARIABLES.flatMap((v) => [...envLine({ ...v, required: false }, /^(generated|unset|1 \()/.test(v.default) ? undefined : v.default), ''])].join('\n');
  }
  const deployable = DEPLOYABLES.find((d) => d.app === app);
  const variables = [...classes.BaseServiceConfig.variables, ...classes[deployable.configClass].variables];
  const seen = new Set();
  const lines = [...header];
  for (const variable of variables) {
    if (seen.has(variable.name)) continue;
    seen.add(variable.name);
    const value = variable.required ? exampleValue(deployable, variable.name) : variable.default === 'unset' ? undefined : variable.default === '(empty)' ? '' : variable.default.replace(/ \(MAX_FEN\)$/, '');
    lines.push(...envLine(variable, value, exampleValue(deployable, variable.name)), '');
  }
  return lines.join('\n');
}

/** Every generated file: path → content. */
function configurationFiles() {
  return {
    'docs/configuration.md': renderConfigurationDoc(),
    ...Object.fromEntries([...DEPLOYABLES.map((d) => d.app), 'platform'].map((app) => [`apps/${app}/.env.example`, renderEnvExample(app)])),
  };
}

module.exports = { configClasses, configurationFiles };
