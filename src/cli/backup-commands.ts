import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import {
  BackupError,
  backupPgliteDirectory,
  backupPostgres,
  restorePglite,
  restorePostgres,
} from '../db/backup.js';

/** The lines `npm run cli -- help` shows for these commands. */
export const BACKUP_USAGE = `  backup --out FILE                     write a consistent backup of the whole database to FILE
                                        (PostgreSQL: pg_dump as DATABASE_URL's role, which must be a
                                        superuser or have BYPASSRLS; embedded: stop the service first)
  restore --from FILE                   load a backup into an EMPTY database (DATABASE_URL, or an
                                        empty DATA_DIR for the embedded one); start the service after`;

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * `backup` and `restore`. They stand on the database alone, not on the service's runtime: a
 * restore needs the database empty, and opening the runtime would migrate it first. Answers the
 * text to print; a refusal is a BackupError with a one-line reason.
 */
export async function runBackupCommand(
  command: 'backup' | 'restore',
  args: readonly string[],
  config: Config,
): Promise<string> {
  const embeddedDir = join(config.database.dataDir, 'pglite');
  if (command === 'backup') {
    const { values } = parseArgs({ args: [...args], options: { out: { type: 'string' } } });
    if (!values.out) throw new BackupError('backup needs --out FILE');
    const file = config.database.url
      ? await backupPostgres(config.database.url, values.out)
      : await backupPgliteDirectory(embeddedDir, values.out);
    return `Backed up the ${file.kind === 'postgres' ? 'PostgreSQL' : 'embedded'} database to ${file.path} (${megabytes(file.bytes)}).\nRestore it into an empty database with: npm run cli -- restore --from ${file.path}`;
  }
  const { values } = parseArgs({ args: [...args], options: { from: { type: 'string' } } });
  if (!values.from) throw new BackupError('restore needs --from FILE');
  const report = config.database.url
    ? await restorePostgres(values.from, config.database.url)
    : await restorePglite(values.from, embeddedDir);
  return `Restored ${values.from} into the ${report.kind === 'postgres' ? 'PostgreSQL database of DATABASE_URL' : `embedded database in ${embeddedDir}`} (${report.migrations} migrations recorded). Start the service with the same ENCRYPTION_KEY as the one backed up.`;
}
