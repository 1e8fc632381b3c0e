import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from './support/database.js';

/**
 * Start-up refusals, as an operator meets them: the real entry points in a process of their own,
 * with a bad environment. Each must end with exit code 1 and one line on stderr that names the
 * variable to fix, not a stack trace.
 */
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Outcome {
  readonly code: number | null;
  readonly stderr: string;
}

// each run compiles the entry point; the embedded database adds a few seconds more
/** Runs an entry point in an empty directory (no .env) with only `env` and PATH. */
function run(entry: string, env: Record<string, string>, args: string[] = []): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX, entry, ...args],
      {
        cwd: workDir,
        env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
        timeout: 60_000,
      },
      (error, _stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stderr });
      },
    );
  });
}

function expectOneLineRefusal(outcome: Outcome, pattern: RegExp): void {
  expect(outcome.code, outcome.stderr).toBe(1);
  const lines = outcome.stderr.trimEnd().split('\n');
  expect(lines, outcome.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(outcome.stderr).not.toMatch(/^\s+at /m);
}

const key = () => randomBytes(32).toString('hex');
let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'rf-startup-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('start-up refusals', () => {
  it('PostgreSQL without DATABASE_APP_URL: names it and the command that creates the role', async () => {
    expectOneLineRefusal(
      await run(MAIN, { ENCRYPTION_KEY: key(), DATABASE_URL: 'postgresql://owner@127.0.0.1:1/remnafleet' }),
      /^DATABASE_APP_URL is not set: .*npm run cli -- db:create-service-role\)$/,
    );
  });

  it('an unreachable database', async () => {
    const url = 'postgresql://owner@127.0.0.1:1/remnafleet';
    expectOneLineRefusal(
      await run(MAIN, { ENCRYPTION_KEY: key(), DATABASE_URL: url, DATABASE_APP_URL: url }),
      /^DATABASE_URL: cannot connect to owner@127\.0\.0\.1:1\/remnafleet: connection refused/,
    );
  });

  it('an HTTP port in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      expectOneLineRefusal(
        await run(MAIN, {
          ENCRYPTION_KEY: key(),
          DATA_DIR: join(workDir, 'port'),
          HTTP_HOST: '127.0.0.1',
          HTTP_PORT: String(port),
        }),
        new RegExp(`^HTTP_PORT: 127\\.0\\.0\\.1:${port} is already in use`),
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 90_000);

  it('a changed ENCRYPTION_KEY, in the service and in the CLI', async () => {
    const dataDir = join(workDir, 'key');
    const first = key();
    // the first start records the key (here the CLI's, which stands on the same runtime)
    const listed = await run(CLI, { ENCRYPTION_KEY: first, DATA_DIR: dataDir }, ['tenant:list']);
    expect(listed.code, listed.stderr).toBe(0);
    const changed = { ENCRYPTION_KEY: key(), DATA_DIR: dataDir };
    const wrongKey = /^ENCRYPTION_KEY: is not the key the secrets in this database were sealed with/;
    expectOneLineRefusal(await run(MAIN, changed), wrongKey);
    expectOneLineRefusal(await run(CLI, changed, ['tenant:list']), wrongKey);
    expect((await run(CLI, { ENCRYPTION_KEY: first, DATA_DIR: dataDir }, ['tenant:list'])).code).toBe(0);
  }, 180_000);
});

describe.runIf(process.env.TEST_DATABASE_URL)('start-up refusals on postgres', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });
  afterAll(() => scratch?.drop());

  it('a database that does not exist', async () => {
    const url = new URL(scratch.url);
    url.pathname = '/rf_no_such_database';
    expectOneLineRefusal(
      await run(MAIN, {
        ENCRYPTION_KEY: key(),
        DATABASE_URL: url.toString(),
        DATABASE_APP_URL: url.toString(),
      }),
      /^DATABASE_URL: cannot connect to .*: database "rf_no_such_database" does not exist/,
    );
  });

  it('a superuser as the service role', async () => {
    expectOneLineRefusal(
      await run(MAIN, { ENCRYPTION_KEY: key(), DATABASE_URL: scratch.url, DATABASE_APP_URL: scratch.url }),
      /^DATABASE_APP_URL: the service logs in as "postgres", which is a superuser/,
    );
  });
});
