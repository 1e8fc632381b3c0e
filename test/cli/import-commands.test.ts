import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RemnawaveSim, startRemnawaveSim } from '../../sim/remnawave/index.js';
import { ImportCommandError, runImportCommand, sourceLabel } from '../../src/cli/import-commands.js';
import { createRemnawaveClient } from '../../src/integrations/remnawave/client.js';
import {
  type FixtureSource,
  HAVE_FIXTURE,
  loadFixtureSource,
  seedPanel,
} from '../modules/importer/fixture.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../support/database.js';
import { rememberSecret } from '../support/log-capture.js';

describe.skipIf(!HAVE_FIXTURE).each(BACKENDS)('npm run cli -- import:single-tenant on %s', (backend) => {
  let t: TestApp;
  let sim: RemnawaveSim;
  let fixture: FixtureSource;
  const progress: string[] = [];
  beforeAll(async () => {
    fixture = await loadFixtureSource();
    t = await createTestApp(backend);
    sim = await startRemnawaveSim();
    rememberSecret('panel token', sim.apiToken);
    await seedPanel(fixture, sim, new Set());
  }, 120_000);
  afterAll(async () => {
    await sim?.close();
    await t?.close();
    await fixture?.close();
  });

  const cli = (args: string[]) =>
    runImportCommand(args, {
      app: t.app,
      config: { remnawave: undefined },
      progress: (line) => progress.push(line),
      panelClient: createRemnawaveClient({
        baseUrl: sim.baseUrl,
        apiToken: sim.apiToken,
        retries: 1,
        retryBaseMs: 10,
      }),
      // the fixture's own source (PostgreSQL when TEST_DATABASE_URL is set, else PGlite)
      openSource: () => fixture.open(),
    });

  it('prints the rules, counts, sums and rejected rows on a dry run, imports, runs again idle, rolls back', async () => {
    const { tenant } = await createTenant(t.app);
    const id = String(tenant.id);
    const from = fixture.url ?? 'postgresql://postgres@127.0.0.1:5432/st_fixture';

    const dry = await cli(['--from', from, '--tenant', id, '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.output).toMatch(/^DRY RUN/);
    expect(dry.output).toMatch(/Rules applied/);
    expect(dry.output).toMatch(/x100 scale, ÷100/);
    expect(dry.output).toMatch(/users #50: no Telegram id/);
    expect(dry.output).toMatch(/users\.balance_kopeks #44: negative balance -15000/);
    expect(dry.output).toMatch(/customers\.balance/);
    expect(progress.some((line) => /read \d+ transactions/.test(line))).toBe(true);
    expect(await t.app.forTenant(tenant.id).customers.search('')).toEqual([]);

    const imported = await cli(['--from', from, '--tenant', id]);
    expect(imported.exitCode).toBe(0);
    expect(imported.output).toMatch(/^Imported \(run #\d+\)/);
    const again = await cli(['--from', from, '--tenant', id]);
    expect(again.exitCode).toBe(0);
    expect(again.output).toMatch(/^Nothing to import/);

    const rolled = await cli(['--tenant', id, '--rollback']);
    expect(rolled.exitCode).toBe(0);
    expect(rolled.output).toMatch(/customers: \d+ deleted/);
    const nothing = await cli(['--tenant', id, '--rollback']);
    expect(nothing.exitCode).toBe(1);
    expect(nothing.output).toMatch(/Nothing to roll back/);
  }, 300_000);

  it('refuses without a tenant, an unknown tenant, or a panel to link to', async () => {
    await expect(cli(['--from', 'postgresql://x@127.0.0.1/db'])).rejects.toBeInstanceOf(ImportCommandError);
    await expect(cli(['--from', 'postgresql://x@127.0.0.1/db', '--tenant', '999999'])).rejects.toThrow(
      /no tenant 999999/,
    );
    const { tenant } = await createTenant(t.app);
    await expect(
      runImportCommand(['--from', 'postgresql://x@127.0.0.1/db', '--tenant', String(tenant.id)], {
        app: t.app,
        config: { remnawave: undefined },
        progress: () => {},
      }),
    ).rejects.toThrow(/REMNAWAVE_URL is not set/);
    expect(sourceLabel('postgresql://owner:secret@db.example:5432/shop')).toBe(
      'postgresql://owner@db.example:5432/shop',
    );
  });
});
