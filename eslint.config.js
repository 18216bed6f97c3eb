// Lint rules that keep the shape of docs/design.md: no import cycles, imports
// that only run with the flow (leaves import nothing of ours; the functional
// core never imports the I/O shell), and no process exits outside the CLI.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { importX } from 'eslint-plugin-import-x';
import n from 'eslint-plugin-n';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import tseslint from 'typescript-eslint';

const SRC_FOLDERS = [
  'cli.ts',
  'config',
  'dns',
  'errors.ts',
  'http',
  'json',
  'log.ts',
  'main.ts',
  'mesos',
  'net',
  'records',
  'refresh',
  'serving.ts',
  'state',
  'table',
  'version.ts',
  'wire',
];

/**
 * `target` may import only what `allowed` lists among the top-level entries of
 * src/ (itself always). Everything else of ours is forbidden, with `why`.
 */
function onlyImports(target, allowed, why) {
  const forbidden = SRC_FOLDERS.filter((f) => f !== target && !allowed.includes(f));
  return forbidden.map((from) => ({ target: `./src/${target}`, from: `./src/${from}`, message: why }));
}

const LEAF = 'leaf modules import nothing of ours';
const CORE = 'the functional core never depends on the I/O shell (docs/design.md)';

export default tseslint.config(
  // The test workers run as worker threads as they are: plain JavaScript, outside the TypeScript project.
  {
    ignores: [
      'dist/',
      'node_modules/',
      'test/fixtures/',
      'test/refresh/oom-worker.mjs',
      'test/refresh/reordering-worker.mjs',
      'test/refresh/late-names-worker.mjs',
      'test/refresh/failing-preparer.mjs',
      'test/refresh/stalling-preparer.mjs',
      'test/refresh/init-echo-worker.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX, n },
    languageOptions: { parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.test.json' })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...onlyImports('net', [], LEAF),
            ...onlyImports('wire', [], LEAF),
            ...onlyImports('json', [], LEAF),
            ...onlyImports('errors.ts', [], LEAF),
            ...onlyImports('version.ts', [], LEAF),
            ...onlyImports('log.ts', ['errors.ts'], 'logging depends on the error list only'),
            ...onlyImports(
              'config',
              ['errors.ts', 'net', 'json'],
              'config is a leaf: it depends on errors and net only',
            ),
            ...onlyImports('state', ['errors.ts', 'net'], CORE),
            ...onlyImports('records', ['config', 'errors.ts', 'json', 'net', 'state'], CORE),
            ...onlyImports('table', ['config', 'errors.ts', 'net', 'records', 'wire'], CORE),
            ...onlyImports(
              'dns',
              ['config', 'errors.ts', 'log.ts', 'net', 'table', 'wire'],
              'DNS serving reads tables; it never fetches state or serves HTTP',
            ),
            ...onlyImports(
              'mesos',
              ['config', 'errors.ts', 'log.ts', 'net', 'state'],
              'talking to Mesos knows nothing of records, tables or serving',
            ),
            ...onlyImports(
              'refresh',
              ['config', 'errors.ts', 'log.ts', 'mesos', 'net', 'records', 'serving.ts', 'state', 'table'],
              'the refresh worker never reaches the servers',
            ),
            ...onlyImports(
              'http',
              [
                'config',
                'dns',
                'errors.ts',
                'json',
                'log.ts',
                'net',
                'records',
                'serving.ts',
                'table',
                'version.ts',
                'wire',
              ],
              'HTTP serves what refreshes produced; it never fetches',
            ),
            ...onlyImports('serving.ts', ['table'], 'the serving state holds tables only'),
          ],
        },
      ],
      'n/no-process-exit': 'error',
    },
  },
  {
    files: ['src/cli.ts', 'bench/**', 'demo/**', 'test/**', 'eslint.config.js', 'vitest.config.ts'],
    rules: { 'n/no-process-exit': 'off' },
  },
  {
    files: ['eslint.config.js', 'scripts/**'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
