import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { StartupError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { migrateDatabase, openDatabase, SERVICE_ROLE, withOwner } from './database.js';

export const DEFAULT_SERVICE_LOGIN = 'remnafleet_service';

export interface ServiceLogin {
  readonly name: string;
  /** DATABASE_APP_URL: the owner's URL with this role and its new password. */
  readonly url: string;
  readonly created: boolean;
  /** Things the operator may have to do by hand. */
  readonly warnings: readonly string[];
}

/**
 * Creates (or gives a new password to) the login role the service runs as: a member of
 * remnafleet_app and of nothing else, so SET ROLE and RESET ROLE lead nowhere above it. Runs as the
 * owner of DATABASE_URL, which needs CREATEROLE (or an administrator runs the printed SQL). Ends by
 * checking the role exactly as the service does at start.
 */
export async function createServiceLogin(options: {
  readonly ownerUrl: string;
  readonly name?: string | undefined;
  readonly logger: Logger;
}): Promise<ServiceLogin> {
  const name = options.name ?? DEFAULT_SERVICE_LOGIN;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name) || name === SERVICE_ROLE || name.startsWith('pg_')) {
    throw new StartupError(
      `--name: "${name}" must be lower-case letters, digits and _ and not ${SERVICE_ROLE} itself`,
    );
  }
  // remnafleet_app and its grants come from the migrations
  await migrateDatabase({ url: options.ownerUrl, logger: options.logger });
  const password = randomBytes(24).toString('base64url');
  const role = pg.escapeIdentifier(name);
  const manualSql = `CREATE ROLE ${role} LOGIN PASSWORD '<password>'; GRANT ${SERVICE_ROLE} TO ${role};`;
  const { created, warnings } = await withOwner(options.ownerUrl, undefined, async ({ client }) => {
    const { rows } = await client.query<{
      owner: string;
      database: string;
      exists: boolean;
      unsafe: boolean;
    }>(
      `SELECT current_user AS owner, current_database() AS database,
              r.oid IS NOT NULL AS exists,
              coalesce(r.rolsuper OR r.rolbypassrls OR r.rolcreaterole
                       OR pg_has_role(r.oid, current_user, 'MEMBER'), false) AS unsafe
         FROM (SELECT 1) one LEFT JOIN pg_roles r ON r.rolname = $1`,
      [name],
    );
    const found = rows[0];
    if (!found) throw new Error('could not read the roles');
    // Never touch a role with powers: giving the cluster administrator a new password, or
    // stripping its rights, is not what this command is for.
    if (found.exists && (found.unsafe || name === found.owner)) {
      throw new StartupError(
        `--name: the role "${name}" exists and is the owner, a member of it, or has powers the service must not have; choose another name`,
      );
    }
    try {
      await client.query(
        found.exists
          ? `ALTER ROLE ${role} WITH LOGIN PASSWORD ${pg.escapeLiteral(password)}`
          : `CREATE ROLE ${role} WITH LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE INHERIT PASSWORD ${pg.escapeLiteral(password)}`,
      );
      await client.query(`GRANT ${SERVICE_ROLE} TO ${role}`);
    } catch (error) {
      if ((error as { code?: unknown }).code !== '42501') throw error;
      throw new StartupError(
        `DATABASE_URL: the owner "${found.owner}" may not create or change roles (${(error as Error).message}); give it CREATEROLE, or have an administrator run: ${manualSql}`,
        { cause: error },
      );
    }
    const notes: string[] = [];
    try {
      // PUBLIC may connect by default; a database where that was revoked needs it said
      await client.query(`GRANT CONNECT ON DATABASE ${pg.escapeIdentifier(found.database)} TO ${role}`);
    } catch (error) {
      notes.push(
        `could not grant CONNECT on database ${found.database} (${(error as Error).message}); grant it if PUBLIC may not connect`,
      );
    }
    return { created: !found.exists, warnings: notes };
  });
  const url = new URL(options.ownerUrl);
  url.username = name;
  url.password = password;
  // the same check the service makes at every start
  const handle = await openDatabase({
    url: options.ownerUrl,
    appUrl: url.toString(),
    migrate: false,
    logger: options.logger,
  });
  await handle.close();
  return { name, url: url.toString(), created, warnings };
}
