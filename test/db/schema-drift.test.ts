import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/db/schema.js';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/database.js';

interface ColumnShape {
  readonly type: string;
  readonly nullable: boolean;
  readonly hasDefault: boolean;
}

/** Serial columns are a bigint/integer with a sequence default once created. */
const SERIAL_TYPES: Record<string, string> = {
  bigserial: 'bigint',
  serial: 'integer',
  smallserial: 'smallint',
};

const drizzleColumns = (table: PgTable): Record<string, ColumnShape> =>
  Object.fromEntries(
    getTableConfig(table).columns.map((column) => {
      const type = column.getSQLType();
      return [
        column.name,
        { type: SERIAL_TYPES[type] ?? type, nullable: !column.notNull, hasDefault: column.hasDefault },
      ];
    }),
  );

/**
 * The columns as the database has them. The catalog rather than information_schema: the latter
 * lists only tables the service role was granted something on, and a missing grant is a different
 * bug from a drifted column.
 */
async function databaseColumns(database: TestDatabase, table: string): Promise<Record<string, ColumnShape>> {
  const rows = await database.handle.query<{
    name: string;
    type: string;
    notnull: boolean;
    hasdefault: boolean;
  }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS notnull, a.atthasdef AS hasdefault
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relname = $1 AND c.relnamespace = 'public'::regnamespace
        AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [table],
  );
  return Object.fromEntries(
    rows.map((row) => [row.name, { type: row.type, nullable: !row.notnull, hasDefault: row.hasdefault }]),
  );
}

describe.each(BACKENDS)('drizzle schema against the migrated database on %s', (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
  });
  afterAll(() => database.close());

  const tables = Object.values(schema).map((table) => [getTableConfig(table).name, table] as const);

  it('covers tables, including the wallet', () => {
    expect(tables.map(([name]) => name)).toEqual(
      expect.arrayContaining(['bots', 'orders', 'subscriptions', 'wallet_transactions']),
    );
  });

  it.each(tables)('%s: same columns, types, nullability and defaults', async (name, table) => {
    const actual = await databaseColumns(database, name);
    expect(Object.keys(actual).length, `table ${name} exists`).toBeGreaterThan(0);
    // compared as one object so a failure lists every difference at once
    expect(drizzleColumns(table)).toEqual(actual);
  });
});
