// Programmatic control of the local infra for tests (chaos: kill/restart the broker).
// ESM: from CommonJS (Jest) use `await import('../../tools/infra/kafka-control.mjs')`,
// or run the CLI synchronously: execFileSync('node', ['tools/infra/infra.mjs', 'kafka:kill']).
export { killBroker, startBroker, up, down, status, envVars, kafkaProbe, ourBrokerPid } from './infra.mjs';
