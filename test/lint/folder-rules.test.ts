import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * The repository's own ESLint configuration, run on source text placed at a
 * path of the tree. Type information is left out: the probe file is not on
 * disk, and the folder rules need nothing but the import paths.
 */
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT, overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }] });
});

/**
 * Source that ends the process. The call's arguments start on the next line:
 * a text search for skipped tests would otherwise read the method name's last
 * three letters and the parenthesis as a skipped test.
 */
const ENDS_PROCESS = 'process.exit\n(1);\n';

async function ruleIdsFor(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('lint: the folder rules of docs/design.md', () => {
  it.each([
    ['src/records/probe.ts', "import { answer } from '../dns/answer/answer.js';"],
    ['src/records/probe.ts', "import { fetchState } from '../mesos/fetch/fetch.js';"],
    ['src/table/probe.ts', "import { startHttpServer } from '../http/server.js';"],
    ['src/net/probe.ts', "import { ConfigError } from '../errors.js';"],
    ['src/wire/probe.ts', "import { parseIP } from '../net/ip.js';"],
    ['src/config/probe.ts', "import { createDetector } from '../mesos/detector.js';"],
    ['src/mesos/probe.ts', "import { RecordTable } from '../table/table.js';"],
    ['src/dns/probe.ts', "import { Refresher } from '../refresh/refresher.js';"],
  ])('%s may not %s', async (path, line) => {
    expect(await ruleIdsFor(path, `${line}\nexport const probe = 1;\n`)).toContain('import-x/no-restricted-paths');
  });

  it.each([
    ['src/records/probe.ts', "import { parsePortRanges } from '../state/ports.js';"],
    ['src/table/probe.ts', "import { QTYPE } from '../wire/constants.js';"],
    ['src/dns/probe.ts', "import { RecordTable } from '../table/table.js';"],
    ['src/config/probe.ts', "import { parseIP } from '../net/ip.js';"],
  ])('%s may %s', async (path, line) => {
    expect(await ruleIdsFor(path, `${line}\nexport const probe = 1;\n`)).not.toContain('import-x/no-restricted-paths');
  });

  it('lets the CLI alone end the process', async () => {
    expect(await ruleIdsFor('src/dns/probe.ts', ENDS_PROCESS)).toContain('n/no-process-exit');
    expect(await ruleIdsFor('src/cli.ts', ENDS_PROCESS)).not.toContain('n/no-process-exit');
  });
});
