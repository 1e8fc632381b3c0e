import pg from 'pg';

/**
 * node-postgres' pool, with one guarantee more: a client checked out when its connection dies
 * goes back to the pool (and is dropped there) even when the borrower never releases it. Drizzle's
 * transaction releases its client only after a successful BEGIN, so a connection lost before or
 * during BEGIN would otherwise stay checked out forever: the pool shrinks with every outage, and
 * `end()` waits for it at shutdown. Releasing twice is harmless here.
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
    return super.connect().then(releasedOnError);
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
