// Vite builds the console into dist/console, which the embedded gateway serves at `/` and the
// compose `console` container serves with nginx. `npm run build` calls it through
// tools/console/build-console.mjs (skipped when dist/console is newer than its sources).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
const workspace = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  resolve: {
    alias: { '@orderline/shared/api-client': `${workspace}libs/shared/api-client/src/browser.ts` },
  },
  build: {
    outDir: `${workspace}dist/console`,
    emptyOutDir: true,
    chunkSizeWarningLimit: 2_000,
  },
  // `npx vite --config apps/console/vite.config.mjs` during development: the API of a running `npm start`.
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
  logLevel: 'warn',
});
