/**
 * `npm run build`, after tsc: the entry points of the two threads a first load
 * waits for, the refresh worker (src/refresh/worker-entry.ts) and the task
 * preparer (src/refresh/task-preparer-entry.ts), each bundled with everything
 * it imports, undici and pino included, into one file that replaces tsc's
 * output of the same name. Node's ES module loader resolves, reads and links
 * each file on its own: the refresh worker's ~150 files took ~140 ms to load
 * on a 2-core VM, and its first fetch waited for them; bundled, ~60 ms.
 *
 * The bundles sit where tsc put those files, so every reference to them (the
 * worker's URL, the preparer's beside it) holds. Node's built-in modules stay
 * imports; the CommonJS packages bundled in (undici, pino) require them
 * through the `require` the banner makes.
 */
import { build } from 'esbuild';

await build({
  entryPoints: ['src/refresh/worker-entry.ts', 'src/refresh/task-preparer-entry.ts'],
  outdir: 'dist/src/refresh',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  banner: {
    js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
