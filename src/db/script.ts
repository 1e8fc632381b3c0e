import { PGlite } from '@electric-sql/pglite';
import { type Column, getTableColumns, type InferSelectModel, type Table } from 'drizzle-orm';
import type pg from 'pg';
import type { Database } from './database.js';

/**
 * Hot-path helpers: several SQL statements sent as one simple-protocol message, so they cost one
 * round trip and run in one implicit transaction (PostgreSQL and PGlite alike). The simple protocol
 * takes no parameters: scripts are built only from the literal helpers below.
 */

/** An integer literal; anything else throws, so a script never carries caller-supplied text here. */
export function integerLiteral(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not a safe integer: ${value}`);
  return String(value);
}

/**
 * A string literal in dollar quotes (` $t$...$t$`): its text is taken as it is, whatever it holds
 * and whatever `standard_conforming_strings` says, so nothing in it is escaped or copied. The tag
 * is one the text cannot end early (`$t$`, else `$t0$`, `$t1$`, ...); the space before it keeps
 * it from joining a word written just before. Every update's JSON goes through here (stored as
 * received, with Telegram's `\uXXXX` escapes), which the quoted form's doubling of backslashes
 * and quotes copied twice.
 */
export function textLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('a text literal cannot contain NUL');
  let tag = '$t$';
  for (let n = 0; endsEarly(value, tag); n += 1) tag = `$t${n}$`;
  return ` ${tag}${value}${tag}`;
}

/** Whether PostgreSQL would find `tag` closing a dollar-quoted `value` before its end: inside it, or across its end. */
function endsEarly(value: string, tag: string): boolean {
  if (value.includes(tag)) return true;
  const tail = value.slice(Math.max(0, value.length - tag.length + 1));
  return `${tail}${tag}`.indexOf(tag) !== tail.length;
}

type Connection = PGlite | pg.PoolClient;

/** Runs `work` on one connection: PGlite's only one, or one taken from the pool for the call. */
async function withConnection<T>(db: Database, work: (connection: Connection) => Promise<T>): Promise<T> {
  const client = (db as unknown as { $client: PGlite | pg.Pool }).$client;
  if (client instanceof PGlite) return work(client);
  // A backend that dies while we hold the connection fails the query in flight; the 'error' event
  // node-postgres also emits goes to the listener database.ts gives every pool client, so it
  // cannot end the process. release(error) below keeps the dead connection out of the pool.
  const connection = await client.connect();
  try {
    const result = await work(connection);
    connection.release();
    return result;
  } catch (error) {
    // like pg's pool.query: a connection that failed a query is not reused
    connection.release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

async function lastRows<Row>(connection: Connection, script: string): Promise<Row[]> {
  if (connection instanceof PGlite) {
    const results = await connection.exec(script);
    return (results.at(-1)?.rows ?? []) as Row[];
  }
  // no values: node-postgres sends a simple Query message, one result per statement
  const result = (await connection.query(script)) as pg.QueryResult | pg.QueryResult[];
  const last = Array.isArray(result) ? result.at(-1) : result;
  return (last?.rows ?? []) as Row[];
}

/** Runs `script` in one round trip and returns the rows of its last statement. */
export function runScript<Row>(db: Database, script: string): Promise<Row[]> {
  return withConnection(db, (connection) => lastRows<Row>(connection, script));
}

/** A statement PostgreSQL parses and plans once per connection (`PREPARE`), then only executes. */
export interface PreparedStatement {
  readonly name: string;
  readonly prepare: string;
  /** Whether its transaction commits asynchronously (see `preparedStatement`). */
  readonly asyncCommit: boolean;
}

/** Makes the transaction it runs in commit asynchronously (see `preparedStatement`). */
export const ASYNC_COMMIT = 'SET LOCAL synchronous_commit = off';

/**
 * `asyncCommit`: the statement's transaction commits without waiting for its WAL to reach the disk
 * (`synchronous_commit = off` for that transaction alone): a flush less, most of a small write's
 * cost to PostgreSQL. Only a crash of the database server itself (not of this process) within about
 * half a second can then undo the commit, and the next synchronous commit of any connection makes
 * it durable with its own. Only for a statement whose undoing is a state the code already recovers
 * from (say so where it is defined); never for money.
 */
export function preparedStatement(
  name: string,
  parameterTypes: readonly string[],
  text: string,
  { asyncCommit = false }: { readonly asyncCommit?: boolean } = {},
): PreparedStatement {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad statement name ${name}`);
  return { name, prepare: `PREPARE ${name}(${parameterTypes.join(', ')}) AS ${text}`, asyncCommit };
}

/** Which prepared statements each connection holds (they live as long as the connection). */
const preparedOn = new WeakMap<Connection, Set<string>>();

const pgErrorCode = (error: unknown) => (error as { code?: unknown } | undefined)?.code;

/**
 * `prelude` (a statement or a few, literals only), then `statement` executed with `args` (literals
 * from the helpers above): one round trip and one implicit transaction. A connection that has not
 * prepared the statement yet prepares it in the same message. Returns the statement's rows.
 */
export async function runPrepared<Row>(
  db: Database,
  prelude: string,
  statement: PreparedStatement,
  args: readonly string[],
): Promise<Row[]> {
  const commit = statement.asyncCommit ? `${ASYNC_COMMIT};\n` : '';
  const execute = `${prelude};\n${commit}EXECUTE ${statement.name}(${args.join(', ')})`;
  const attempt = (connection: Connection) => {
    let prepared = preparedOn.get(connection);
    if (!prepared) {
      prepared = new Set();
      preparedOn.set(connection, prepared);
    }
    const known = prepared.has(statement.name);
    // marked before running: a PREPARE that succeeded stays even when a later statement fails
    prepared.add(statement.name);
    return lastRows<Row>(connection, known ? execute : `${statement.prepare};\n${execute}`).catch(
      (error: unknown) => {
        // "does not exist" (dropped behind our back) or "already exists" (prepared by a script
        // that failed before we knew): correct the bookkeeping and say so to the caller
        if (pgErrorCode(error) === '26000') prepared.delete(statement.name);
        throw error;
      },
    );
  };
  try {
    return await withConnection(db, attempt);
  } catch (error) {
    const code = pgErrorCode(error);
    if (code !== '26000' && code !== '42P05') throw error;
    return withConnection(db, attempt);
  }
}

const mappers = new WeakMap<Table, (json: Record<string, unknown>) => unknown>();

/**
 * A row of `table` as drizzle's `select()` returns it, from the row's `row_to_json` (column names as
 * keys): each column's own driver mapping applies, so timestamps become Dates and bigints numbers.
 */
export function rowFromJson<T extends Table>(table: T, json: Record<string, unknown>): InferSelectModel<T> {
  let mapper = mappers.get(table);
  if (!mapper) {
    const columns = Object.entries(getTableColumns(table)) as [string, Column][];
    mapper = (source) => {
      const row: Record<string, unknown> = {};
      for (const [key, column] of columns) {
        const value = source[column.name];
        if (value === undefined) throw new Error(`the row has no column ${column.name}`);
        row[key] = value === null ? null : column.mapFromDriverValue(value);
      }
      return row;
    };
    mappers.set(table, mapper);
  }
  return mapper(json) as InferSelectModel<T>;
}
