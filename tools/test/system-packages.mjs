// Debian packages the tests drive as independent tools (never mocks of them): installed by the
// project itself, as `npm test` and `.ci/run` do with everything else (Kafka, PostgreSQL).
// Already-installed packages cost one `dpkg-query`; missing ones one `apt-get update` + install.
import { execFileSync, spawnSync } from 'node:child_process';

/** What the tests need from the machine, and why. */
export const TEST_SYSTEM_PACKAGES = [
  // Browser tests of the console: Debian's Chromium driven by playwright-core.
  'chromium',
  // The console is Chinese by default: without a CJK font its screenshots show empty boxes.
  'fonts-wqy-zenhei',
  // Interoperability: the AES-256 zip opened by 7-Zip with the SMS'd password.
  '7zip',
  // Interoperability: the waybill / packing-slip PDFs read by pdftotext and rendered by pdftoppm.
  'poppler-utils',
  // Interoperability: the waybill's Code 128 barcode read back by zbarimg.
  'zbar-tools',
];

function installed(name) {
  const probe = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout.includes('install ok installed');
}

/** Installs whichever of `packages` is missing; throws with what to do when it cannot. */
export function ensureDebianPackages(packages = TEST_SYSTEM_PACKAGES, log = (line) => process.stdout.write(`${line}\n`)) {
  if (process.platform !== 'linux' || spawnSync('dpkg-query', ['--version']).status !== 0) {
    throw new Error(`the tests need these Debian packages (or their equivalents on PATH): ${packages.join(', ')}`);
  }
  const missing = packages.filter((name) => !installed(name));
  if (missing.length === 0) return [];
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const prefix = asRoot ? [] : ['sudo', '-n'];
  const run = (args) => {
    const [command, ...rest] = [...prefix, ...args];
    execFileSync(command, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  log(`[test] installing Debian packages: ${missing.join(' ')}`);
  try {
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
  } catch (error) {
    throw new Error(`could not install ${missing.join(', ')} (${error.message}); install them with apt-get as root and run again`);
  }
  return missing;
}
