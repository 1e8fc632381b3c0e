import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, SERVICE_ROLE } from '../../src/db/database.js';
import { createServiceLogin } from '../../src/db/service-login.js';
import { StartupError } from '../../src/shared/errors.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { createScratchDatabase } from '../support/database.js';

const logger = createSilentLogger();

/** Why the service refuses to start with `appUrl` (fails the test when it starts). */
async function refusal(ownerUrl: string, appUrl: string | undefined): Promise<string> {
  try {
    const handle = await openDatabase({ url: ownerUrl, appUrl, logger, migrate: false });
    await handle.close();
  } catch (error) {
    expect(error).toBeInstanceOf(StartupError);
    const message = (error as Error).message;
    expect(message, 'one line').not.toContain('\n');
    return message;
  }
  throw new Error(`the service started with ${appUrl}`);
}

describe.runIf(process.env.TEST_DATABASE_URL)('the service login role on postgres', () => {
  const suffix = randomBytes(4).toString('hex');
  const roles: string[] = [];
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let admin: pg.Client;
  let inScratch: pg.Client;

  /** A login role with `attributes`, a member of the service role (and of `memberOf`). */
  async function loginRole(label: string, attributes = '', memberOf: string[] = []): Promise<string> {
    const name = `rf_${label}_${suffix}`;
    roles.push(name);
    await admin.query(`CREATE ROLE ${name} LOGIN PASSWORD 'pw' ${attributes}`);
    for (const role of [SERVICE_ROLE, ...memberOf]) await admin.query(`GRANT ${role} TO ${name}`);
    const url = new URL(scratch.url);
    url.username = name;
    url.password = 'pw';
    return url.toString();
  }

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    // migrated once, with the proper service role
    const handle = await openDatabase({ url: scratch.url, appUrl: scratch.appUrl, logger });
    await handle.close();
    admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    inScratch = new pg.Client({ connectionString: scratch.url });
    await inScratch.connect();
  });
  afterAll(async () => {
    await inScratch?.end();
    await scratch?.drop();
    for (const role of roles.reverse()) await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin?.end();
  });

  it('refuses to run on the owner connection that switches role (DATABASE_APP_URL unset)', async () => {
    expect(await refusal(scratch.url, undefined)).toMatch(
      /^DATABASE_APP_URL is not set: .*npm run cli -- db:create-service-role/,
    );
  });

  it('refuses a superuser session, even one whose current role would be the service role', async () => {
    expect(await refusal(scratch.url, scratch.url)).toMatch(
      /^DATABASE_APP_URL: the service logs in as "postgres", which is a superuser[;:].*db:create-service-role/,
    );
  });

  it('refuses a BYPASSRLS role and a CREATEROLE role', async () => {
    expect(await refusal(scratch.url, await loginRole('bypass', 'BYPASSRLS'))).toMatch(/which has BYPASSRLS/);
    expect(await refusal(scratch.url, await loginRole('creator', 'CREATEROLE'))).toMatch(
      /which has CREATEROLE/,
    );
  });

  it('refuses a role that owns a table', async () => {
    const url = await loginRole('tableowner');
    await inScratch.query(`CREATE TABLE owned_${suffix} (id int)`);
    await inScratch.query(`ALTER TABLE owned_${suffix} OWNER TO rf_tableowner_${suffix}`);
    expect(await refusal(scratch.url, url)).toMatch(/which owns tables/);
  });

  it('refuses a member of the tables owner, of a superuser, or of the database owner', async () => {
    // an owner that is not a superuser, as in production
    const owner = `rf_owner_${suffix}`;
    roles.push(owner);
    await admin.query(`CREATE ROLE ${owner} NOLOGIN`);
    await inScratch.query(`CREATE TABLE customers_copy_${suffix} (id int)`);
    await inScratch.query(`ALTER TABLE customers_copy_${suffix} OWNER TO ${owner}`);
    expect(await refusal(scratch.url, await loginRole('ownermember', '', [owner]))).toMatch(
      new RegExp(`is a member of "${owner}", which owns tables`),
    );
    expect(await refusal(scratch.url, await loginRole('supermember', '', ['postgres']))).toMatch(
      /is a member of "postgres", which is a superuser/,
    );
    const dbOwnerUrl = await loginRole('dbowner');
    await admin.query(
      `ALTER DATABASE ${new URL(scratch.url).pathname.slice(1)} OWNER TO rf_dbowner_${suffix}`,
    );
    try {
      expect(await refusal(scratch.url, dbOwnerUrl)).toMatch(/pg_database_owner", which owns schema public/);
    } finally {
      await admin.query(`ALTER DATABASE ${new URL(scratch.url).pathname.slice(1)} OWNER TO postgres`);
    }
  });

  it('says so when the login role is not a member of the service role', async () => {
    const name = `rf_stranger_${suffix}`;
    roles.push(name);
    await admin.query(`CREATE ROLE ${name} LOGIN PASSWORD 'pw'`);
    const url = new URL(scratch.url);
    url.username = name;
    url.password = 'pw';
    expect(await refusal(scratch.url, url.toString())).toMatch(
      new RegExp(
        `^DATABASE_APP_URL: cannot connect to ${name}@.*permission denied to set role.*member of ${SERVICE_ROLE}`,
      ),
    );
  });

  it('db:create-service-role makes a role the service accepts, and a new password when run again', async () => {
    const name = `rf_created_${suffix}`;
    roles.push(name);
    const first = await createServiceLogin({ ownerUrl: scratch.url, name, logger });
    expect(first).toMatchObject({ name, created: true, warnings: [] });
    const handle = await openDatabase({ url: scratch.url, appUrl: first.url, logger, migrate: false });
    const [who] = await handle.query<{ session: string; current: string }>(
      'SELECT session_user::text AS session, current_user::text AS current',
    );
    await handle.close();
    expect(who).toEqual({ session: name, current: SERVICE_ROLE });
    const { rows } = await admin.query<{ rolsuper: boolean; rolbypassrls: boolean; rolcreaterole: boolean }>(
      'SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = $1',
      [name],
    );
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcreaterole: false }]);

    // the local test cluster may trust every login, so the stored password hash tells instead
    const password = async () =>
      (
        await admin.query<{ hash: string }>('SELECT rolpassword AS hash FROM pg_authid WHERE rolname = $1', [
          name,
        ])
      ).rows[0]?.hash;
    const before = await password();
    expect(before).toMatch(/^SCRAM-SHA-256\$/);
    const second = await createServiceLogin({ ownerUrl: scratch.url, name, logger });
    expect(second.created).toBe(false);
    expect(second.url).not.toBe(first.url);
    expect(await password()).not.toBe(before);
  });

  it('db:create-service-role never touches a role with powers', async () => {
    await expect(createServiceLogin({ ownerUrl: scratch.url, name: 'postgres', logger })).rejects.toThrow(
      /--name: the role "postgres" exists and is the owner, a member of it, or has powers/,
    );
    const { rows } = await admin.query<{ rolsuper: boolean }>(
      `SELECT rolsuper FROM pg_roles WHERE rolname = 'postgres'`,
    );
    expect(rows).toEqual([{ rolsuper: true }]);
  });
});
