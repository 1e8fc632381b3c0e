import pg from 'pg';

/**
 * node-postgres' pool, with two things more.
 *
 * A client checked out when its connection dies goes back to the pool (and is dropped there) even
 * when the borrower never releases it. Drizzle's transaction releases its client only after a
 * successful BEGIN, so a connection lost before or during BEGIN would otherwise stay checked out
 * forever: the pool shrinks with every outage, and `end()` waits for it at shutdown. Releasing
 * twice is harmless here.
 *
 * A transaction's BEGIN travels with its first statement (`mergeBegin`): one round trip less for
 * every transaction, which is most of the platform's database work (a tenant transaction is BEGIN,
 * `SET LOCAL app.bot_id`, its statements and COMMIT).
 */
export class ServicePool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (
      err: Error | undefined,
      client: pg.PoolClient | undefined,
      done: (release?: unknown) => void,
    ) => void,
  ): void;
  override connect(callback?: Parameters<pg.Pool['connect']>[0]): Promise<pg.PoolClient> | undefined {
    if (callback) {
      super.connect(callback);
      return undefined;
    }
    return super.connect().then((client) => releasedOnError(mergeBegin(client)));
  }
}

function releasedOnError(client: pg.PoolClient): pg.PoolClient {
  const release = client.release.bind(client);
  let released = false;
  const onError = (error: Error) => client.release(error);
  client.release = (error?: Error | boolean) => {
    if (released) return;
    released = true;
    client.removeListener('error', onError);
    release(error);
  };
  client.on('error', onError);
  return client;
}

const BEGIN = /^\s*begin\s*;?\s*$/i;
/** What a BEGIN held back answers: the command, no rows. */
const BEGUN = { command: 'BEGIN', rowCount: null, oid: 0, rows: [], fields: [] };
const merging = new WeakSet<pg.PoolClient>();

/**
 * The text of a query that may travel in one simple-protocol message with others: a string or a
 * plain `{ text }` config without parameters, name (a prepared statement) or callback. Drizzle
 * sends its BEGIN, COMMIT and our `SET LOCAL` statements this way.
 */
function simpleText(config: unknown, values: unknown, callback: unknown): string | undefined {
  if (callback !== undefined || typeof values === 'function') return undefined;
  if (values !== undefined && !(Array.isArray(values) && values.length === 0)) return undefined;
  if (typeof config === 'string') return config;
  if (typeof config !== 'object' || config === null) return undefined;
  const query = config as { text?: unknown; values?: unknown; name?: unknown; submit?: unknown };
  if (typeof query.text !== 'string' || query.name || typeof query.submit === 'function') return undefined;
  if (Array.isArray(query.values) && query.values.length > 0) return undefined;
  return query.text;
}

/**
 * Holds a client's BEGIN back and sends it with the next query in one message (`BEGIN;<query>`)
 * when that query has no parameters (a tenant transaction's `SET LOCAL app.bot_id` is written so), or just
 * before it otherwise: PostgreSQL runs a simple-protocol message's statements in order, and BEGIN
 * makes them one explicit transaction with what follows. Once per client (clients are reused).
 */
function mergeBegin(client: pg.PoolClient): pg.PoolClient {
  if (merging.has(client)) return client;
  merging.add(client);
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  let held = false;
  client.query = ((config: unknown, values?: unknown, callback?: unknown) => {
    const text = simpleText(config, values, callback);
    if (!held) {
      if (text !== undefined && BEGIN.test(text)) {
        held = true;
        return Promise.resolve(BEGUN);
      }
      return query(config, values, callback);
    }
    held = false;
    if (text === undefined) {
      // pg queues a client's queries in order: the BEGIN runs first; a failure shows in the next
      (query('BEGIN') as Promise<unknown>).catch(() => {});
      return query(config, values, callback);
    }
    const merged =
      typeof config === 'string' ? `BEGIN;${text}` : { ...(config as object), text: `BEGIN;${text}` };
    return (query(merged, values) as Promise<pg.QueryResult | pg.QueryResult[]>).then((result) =>
      Array.isArray(result) ? result[result.length - 1] : result,
    );
  }) as typeof client.query;
  return client;
}
