import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const biome = join(root, 'node_modules/.bin/biome');

/**
 * The layer rules live in biome.json (`noRestrictedImports` overrides) and run with the rest of the
 * lint in .ci/run. This proves they catch what they are for: each probe file is linted with the
 * repo's own configuration, at the path that decides which rules apply.
 */
const probes: Record<string, { import: string; refused: boolean }> = {
  'src/bot/features/probe.ts': { import: '../../db/schema.js', refused: true },
  'src/bot/probe.ts': { import: '../modules/customers/customers-service.js', refused: false },
  'src/http/api/probe.ts': { import: '../../db/tenant-tx.js', refused: true },
  'src/http/payments/probe.ts': { import: '../../bot/features/keyboards.js', refused: true },
  'src/http/api/probe-notices.ts': { import: '../../bot/notices/notices.js', refused: false },
  'src/jobs/definitions/probe.ts': { import: '../../bot/features/shop/view.js', refused: true },
  'src/jobs/definitions/probe-db.ts': { import: '../../db/database.js', refused: true },
  'src/modules/probe/integration.ts': { import: '../../integrations/remnawave/client.js', refused: true },
  'src/modules/probe/bot.ts': { import: '../../bot/fleet.js', refused: true },
  'src/modules/probe/grammy.ts': { import: 'grammy', refused: true },
  'src/modules/probe/raw-db.ts': { import: '../../db/database.js', refused: true },
  'src/modules/probe/tenant-tx.ts': { import: '../../db/tenant-tx.js', refused: false },
  'src/modules/probe/jobs.ts': { import: '../../jobs/enqueue.js', refused: false },
  'src/platform-probe.ts': { import: './db/database.js', refused: true },
  'src/app.ts': { import: './db/database.js', refused: false },
  'src/db/probe.ts': { import: './database.js', refused: false },
};

describe('layer rules (biome.json)', () => {
  let dir: string;
  let report: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rf-layers-'));
    const config = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8')) as Record<string, unknown>;
    // the probe directory is no git checkout; everything else is the repo's own configuration
    config.vcs = { enabled: false };
    config.$schema = undefined;
    writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
    for (const [path, probe] of Object.entries(probes)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(
        join(dir, path),
        `import * as probe from '${probe.import}';\n\nexport const used = probe;\n`,
      );
    }
    const run = await promisify(execFile)(biome, ['lint', '--max-diagnostics=200', '.'], { cwd: dir }).catch(
      (error: { stdout: string; stderr: string }) => error,
    );
    report = `${run.stdout}\n${run.stderr}`;
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [path, probe] of Object.entries(probes)) {
    it(`${probe.refused ? 'refuses' : 'allows'} ${probe.import} in ${path}`, () => {
      const flagged = report
        .split('\n')
        .some((line) => line.startsWith(`${path}:`) && line.includes('noRestrictedImports'));
      expect(flagged).toBe(probe.refused);
    });
  }
});
