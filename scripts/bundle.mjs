/**
 * `npm run build`, after tsc: each thread a first load waits for gets its code
 * in as few files as possible, everything it imports bundled in, undici and
 * pino included. Node's ES module loader resolves, reads and links each file
 * on its own: the refresh worker's ~150 files took ~140 ms to load on a 2-core
 * VM, and its first fetch waited for them; bundled, ~60 ms.
 *
 * - The refresh worker (src/refresh/worker-entry.ts) and the task preparer
 *   (src/refresh/task-preparer-entry.ts): one file each.
 * - The main thread (src/main.ts): the entry, which starts the refresh worker
 *   before the rest loads, and the rest (cli.ts onwards, imported
 *   dynamically) in chunks beside it. The main thread loads its modules while
 *   the worker starts, on the other core: the fewer files, the sooner both
 *   are done (the first fetch began ~20 ms earlier, alternated runs).
 *
 * Every bundle sits where tsc put its entry, so every reference to one (the
 * worker's URL, the preparer's beside it) holds, and the main thread's chunks
 * sit beside main.js. A module that finds files relative to itself
 * (`import.meta.url`) is given its own file's URL, as tsc output has it, not
 * the bundle's. Node's built-in modules stay imports; the CommonJS packages
 * bundled in (undici, pino, the ZooKeeper client) require them through the
 * `require` the banner makes.
 */
import { readFile, readdir, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { cwd } from 'node:process';
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  banner: {
    js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
  },
  logLevel: 'warning',
};

/** `import.meta.url` in a module of ours bundled into a file of `outdir`: the URL of the module's own tsc output. */
function ownModuleUrl(outdir) {
  const ours = join(cwd(), 'src') + sep;
  return {
    name: 'own-module-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (!args.path.startsWith(ours)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const compiled = join('dist', relative(cwd(), args.path)).replace(/\.ts$/, '.js');
        const own = `./${relative(outdir, compiled).split('\\').join('/')}`;
        const url = `new URL(${JSON.stringify(own)}, import.meta.url).href`;
        return { contents: source.replaceAll('import.meta.url', url), loader: 'ts', resolveDir: dirname(args.path) };
      });
    },
  };
}

await build({
  ...common,
  entryPoints: ['src/refresh/worker-entry.ts', 'src/refresh/task-preparer-entry.ts'],
  outdir: 'dist/src/refresh',
  plugins: [ownModuleUrl('dist/src/refresh')],
});

// The chunks' names change with their content: those of an earlier build would stay beside the new ones.
for (const name of await readdir('dist/src')) if (name.startsWith('main-')) await rm(join('dist/src', name));
await build({
  ...common,
  entryPoints: ['src/main.ts'],
  outdir: 'dist/src',
  splitting: true,
  chunkNames: 'main-[name]-[hash]',
  plugins: [ownModuleUrl('dist/src')],
});
