import { parseArgs } from 'node:util';
import pg from 'pg';
import type { App } from '../app.js';
import type { Config } from '../config.js';
import { createRemnawaveClient, type RemnawaveClient } from '../integrations/remnawave/client.js';
import { panelDirectory } from '../integrations/remnawave/panel-directory.js';
import {
  ImportMismatchError,
  ImportRefusedError,
  type ImportReport,
} from '../modules/importer/importer-service.js';
import type { PanelDirectory } from '../modules/importer/panel-directory.js';
import { PanelUnavailableError } from '../modules/importer/panel-directory.js';
import { formatImportReport, formatRollback } from '../modules/importer/report-text.js';
import { type SourceDatabase, SourceError } from '../modules/importer/source.js';
import { asBotId } from '../shared/ids.js';

/** The lines `npm run cli -- help` shows for this command. */
export const IMPORT_USAGE = `  import:single-tenant --from URL --tenant ID [--dry-run] [--without-panel]
                                        move a single-tenant shop (Bedolaga family, remnabot flavour;
                                        PostgreSQL URL) into tenant ID: customers, balances, history,
                                        subscriptions (linked to their panel users), promo codes,
                                        groups, referral links, pending card-to-card receipts.
                                        --dry-run shows every rule, count, sum and rejected row and
                                        writes nothing; running it again adds nothing
  import:single-tenant --tenant ID --rollback [--source KEY]
                                        delete exactly what imports into tenant ID created`;

export class ImportCommandError extends Error {
  override readonly name = 'ImportCommandError';
}

/** The source's address without its password, for the report. */
export function sourceLabel(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'the source database';
  }
}

/**
 * A PostgreSQL source read in one REPEATABLE READ READ ONLY transaction: the importer sees one
 * consistent snapshot and cannot write to the old shop.
 */
export async function openPostgresSource(
  url: string,
): Promise<{ source: SourceDatabase; close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  // a connection dropped while idle must not crash the process: the next query reports it
  client.on('error', () => {});
  await client.connect();
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  return {
    source: {
      label: sourceLabel(url),
      async query<Row>(text: string, params: readonly unknown[] = []) {
        return (await client.query(text, [...params])).rows as Row[];
      },
    },
    async close() {
      await client.query('ROLLBACK').catch(() => {});
      await client.end().catch(() => {});
    },
  };
}

export interface ImportCommandResult {
  readonly output: string;
  readonly exitCode: number;
}

/**
 * `import:single-tenant`. Progress goes to `progress` (stderr), the report is the output (stdout).
 * Exit code 0 when imported, rolled back or dry-run; 1 on a refusal, a mismatch or a failure.
 */
export async function runImportCommand(
  args: readonly string[],
  deps: {
    readonly app: App;
    readonly config: Pick<Config, 'remnawave'>;
    readonly progress: (line: string) => void;
    /** tests: the panel client (defaults to one built from the configuration) */
    readonly panelClient?: RemnawaveClient;
    readonly openSource?: (url: string) => Promise<{ source: SourceDatabase; close(): Promise<void> }>;
  },
): Promise<ImportCommandResult> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      from: { type: 'string' },
      tenant: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'without-panel': { type: 'boolean', default: false },
      rollback: { type: 'boolean', default: false },
      source: { type: 'string' },
    },
  });
  if (!values.tenant || !/^\d+$/.test(values.tenant))
    throw new ImportCommandError('import:single-tenant needs --tenant ID (a tenant id, see tenant:list)');
  const botId = asBotId(Number(values.tenant));
  const tenant = await deps.app.platform.tenants.get(botId);
  if (!tenant) throw new ImportCommandError(`There is no tenant ${botId} (see tenant:list).`);
  const importer = deps.app.forTenant(botId).importer;

  if (values.rollback) {
    const result = await importer.rollback(values.source);
    return { output: formatRollback(result), exitCode: result.status === 'rolled_back' ? 0 : 1 };
  }
  if (!values.from) throw new ImportCommandError('import:single-tenant needs --from <postgres url>');
  let panel: PanelDirectory | null = null;
  if (!values['without-panel']) {
    const client =
      deps.panelClient ??
      (deps.config.remnawave
        ? createRemnawaveClient({
            baseUrl: deps.config.remnawave.url,
            apiToken: deps.config.remnawave.token,
            extraHeaders: deps.config.remnawave.extraHeaders,
          })
        : undefined);
    if (!client)
      throw new ImportCommandError(
        'REMNAWAVE_URL is not set: subscriptions are linked to their panel users through the panel. Set it, or pass --without-panel (subscriptions are then listed as not linked).',
      );
    panel = panelDirectory(client);
  }
  deps.progress(`Reading ${sourceLabel(values.from)} for tenant ${botId} "${tenant.name}"...`);
  const opened = await (deps.openSource ?? openPostgresSource)(values.from).catch((error: unknown) => {
    throw new ImportCommandError(
      `Cannot read the source ${sourceLabel(values.from!)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  try {
    const report: ImportReport = await importer.run({
      source: opened.source,
      panel,
      dryRun: values['dry-run'],
      progress: deps.progress,
    });
    return { output: formatImportReport(report), exitCode: 0 };
  } catch (error) {
    if (error instanceof ImportMismatchError)
      return { output: formatImportReport(error.report, error.mismatches), exitCode: 1 };
    if (
      error instanceof ImportRefusedError ||
      error instanceof PanelUnavailableError ||
      error instanceof SourceError
    )
      return { output: `Nothing was imported: ${error.message}`, exitCode: 1 };
    return {
      output: `Nothing was imported (the import runs in one transaction): ${error instanceof Error ? error.message : String(error)}`,
      exitCode: 1,
    };
  } finally {
    await opened.close();
  }
}
