import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackupCommand } from '../../src/cli/backup-commands.js';
import { loadConfig } from '../../src/config.js';
import { BackupError } from '../../src/db/backup.js';
import { migrateDatabase } from '../../src/db/database.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { BACKENDS, createScratchDatabase, TEST_ENCRYPTION_KEY } from '../support/database.js';

const configFor = (env: Record<string, string>) =>
  loadConfig({ ENCRYPTION_KEY: TEST_ENCRYPTION_KEY.toString('hex'), ...env });

/** `npm run cli -- backup --out FILE` and `restore --from FILE`, as the CLI runs them. */
describe.each(BACKENDS)('the backup and restore commands on %s', (backend) => {
  let work: string;
  const drops: (() => Promise<void>)[] = [];
  /** A migrated database to back up, and an empty one to restore into. */
  const databases = async () => {
    if (backend === 'pglite') {
      const source = join(work, 'source');
      await migrateDatabase({ dataDir: join(source, 'pglite'), logger: createSilentLogger() });
      return {
        source: configFor({ DATA_DIR: source }),
        target: configFor({ DATA_DIR: join(work, 'target') }),
      };
    }
    const source = await createScratchDatabase(undefined, 'rf_cli_src');
    const target = await createScratchDatabase(undefined, 'rf_cli_dst');
    drops.push(source.drop, target.drop);
    await migrateDatabase({ url: source.url, logger: createSilentLogger() });
    return {
      source: configFor({ DATABASE_URL: source.url, DATABASE_APP_URL: source.appUrl }),
      target: configFor({ DATABASE_URL: target.url, DATABASE_APP_URL: target.appUrl }),
    };
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rf-cli-backup-'));
  });
  afterAll(async () => {
    for (const drop of drops) await drop();
    await rm(work, { recursive: true, force: true });
  });

  it('backs up, restores into an empty database, and refuses a non-empty one or a missing option', async () => {
    const { source, target } = await databases();
    const out = join(work, backend === 'postgres' ? 'fleet.dump' : 'fleet.tar.gz');
    const said = await runBackupCommand('backup', ['--out', out], source);
    expect(said).toMatch(
      new RegExp(`^Backed up the (PostgreSQL|embedded) database to ${out} \\(\\d+\\.\\d MB\\)`),
    );
    const restored = await runBackupCommand('restore', ['--from', out], target);
    expect(restored).toMatch(/^Restored .* \((\d+) migrations recorded\)/);
    expect(Number(/\((\d+) migrations/.exec(restored)?.[1])).toBeGreaterThan(10);
    await expect(runBackupCommand('restore', ['--from', out], target)).rejects.toThrow(/is not empty/);
    // a restore into the database it came from is refused too: it is not empty
    await expect(runBackupCommand('restore', ['--from', out], source)).rejects.toThrow(BackupError);
    await expect(runBackupCommand('backup', [], source)).rejects.toThrow(/needs --out FILE/);
    await expect(runBackupCommand('restore', [], target)).rejects.toThrow(/needs --from FILE/);
    await expect(runBackupCommand('backup', ['--out', out], source)).rejects.toThrow(/already exists/);
  }, 120_000);
});
