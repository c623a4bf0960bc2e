// `npm run lint`: docker/docker-compose*.yml against the Compose Specification's JSON schema
// (docker/compose-spec.schema.json, vendored: see docs/adr/0017-admin-cli-and-compose-checks.md),
// since no Docker engine runs here to say `docker compose config` would accept them; then what
// the schema cannot say but issue 16 asks of the production-like file.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { parse } from 'yaml';

const DOCKER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docker');
const schema = JSON.parse(readFileSync(path.join(DOCKER, 'compose-spec.schema.json'), 'utf8'));
// The spec names its meta-schema with https://, which Ajv does not know by that name: the
// document itself is draft-07 and validated as such.
delete schema.$schema;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const problems = [];
const files = readdirSync(DOCKER).filter((name) => /^docker-compose.*\.ya?ml$/.test(name)).sort();
const documents = {};
for (const file of files) {
  // merge: YAML 1.1 `<<:` keys, which Compose resolves before it validates.
  const document = parse(readFileSync(path.join(DOCKER, file), 'utf8'), { merge: true });
  documents[file] = document;
  if (!validate(document)) for (const error of validate.errors) problems.push(`${file}: ${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
}

// The production-like stack (issue 16 item 6).
const main = documents['docker-compose.yml'];
if (!main) problems.push('docker-compose.yml is missing');
else {
  const services = main.services ?? {};
  for (const [name, service] of Object.entries(services)) {
    const image = service.image ?? '';
    if (!service.build) {
      // A pinned tag: a version with a dot, never a floating major (`postgres:16`) or latest.
      const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : 'latest';
      if (!/^v?\d+\.\d+/.test(tag)) problems.push(`docker-compose.yml: ${name} uses ${image || 'no image'}; pin an exact version tag`);
    }
    if ((name === 'kafka' || name === 'postgres') && service.ports) problems.push(`docker-compose.yml: ${name} publishes ports; only docker-compose.debug-ports.yml may`);
    if (service.logging?.driver !== 'json-file' || !service.logging?.options?.['max-size']) problems.push(`docker-compose.yml: ${name} has no json-file log rotation (logging.options.max-size)`);
    if (!service.deploy?.resources?.limits?.memory) problems.push(`docker-compose.yml: ${name} has no memory limit (deploy.resources.limits.memory)`);
    for (const dependency of Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {})) if (!services[dependency]) problems.push(`docker-compose.yml: ${name} depends on unknown service ${dependency}`);
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
      if (source && !/^[./~]/.test(source) && !(source in (main.volumes ?? {}))) problems.push(`docker-compose.yml: ${name} mounts undeclared volume ${source}`);
    }
  }
  const exportVolume = (services['export-service']?.volumes ?? []).some((volume) => String(typeof volume === 'string' ? volume : volume.target).includes('/var/lib/orderline/exports'));
  if (!exportVolume) problems.push('docker-compose.yml: export-service keeps its files without the export-files volume');
}

if (problems.length > 0) {
  process.stderr.write(`compose files refused:\n  - ${problems.join('\n  - ')}\n`);
  process.exit(1);
}
process.stdout.write(`compose files valid against the Compose Specification: ${files.join(', ')}\n`);
