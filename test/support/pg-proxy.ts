import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that can lose the connection the way a dying process or a
 * failing network does: the server sees its sessions end mid-transaction and rolls them back, the
 * client sees its sockets close. It counts the steps of the client's work (see `isStep`), so a
 * test can cut the link right before the n-th step from now: every step of a unit of work, one
 * after another.
 */
export interface PgProxy {
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  /**
   * Right before the `n`-th statement from now (1 = the next one) is sent, drops every connection
   * and refuses new ones, as if the client process had been killed at that step.
   */
  cutBefore(n: number): void;
  /** Forgets a cut still armed; `cut` keeps saying whether the last one fired. */
  disarm(): void;
  /** Whether the last `cutBefore` has fired. */
  readonly cut: boolean;
  /** Steps sent through the proxy so far. */
  readonly statements: number;
  /** Drops every connection and refuses new ones until `up()`: the database is down. */
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export async function startPgProxy(target: { host: string; port: number }): Promise<PgProxy> {
  const sockets = new Set<Socket>();
  let isDown = false;
  let statements = 0;
  let cutAt: number | undefined;
  let cut = false;

  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  const server: Server = createServer((client) => {
    if (isDown) {
      client.destroy();
      return;
    }
    const upstream = tcpConnect(target);
    sockets.add(client);
    sockets.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
    upstream.on('data', (chunk) => client.write(chunk));

    // Frontend messages: the startup message has no type byte, every later one is a type byte and
    // an int32 length that counts itself.
    let pending = Buffer.alloc(0);
    let started = false;
    // Inside an explicit transaction nothing is durable or visible before COMMIT, and we make no
    // outside calls there: a cut before any statement of it is the same as a cut before its COMMIT.
    // So the steps are BEGIN, COMMIT (or ROLLBACK) and every statement outside a transaction.
    let inTransaction = false;
    const isStep = (type: string, body: Buffer): boolean => {
      if (type === 'E') return !inTransaction;
      if (type !== 'Q') return false;
      const text = body.toString('utf8', 0, Math.min(body.length, 64)).trim().toLowerCase();
      const ends = /^(commit|rollback|end)\b/.test(text);
      const step = !inTransaction || ends;
      if (/^(begin|start transaction)\b/.test(text)) inTransaction = true;
      else if (ends) inTransaction = false;
      return step;
    };
    client.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (!started) {
          if (pending.length < 4) return;
          const length = pending.readInt32BE(0);
          if (pending.length < length) return;
          upstream.write(pending.subarray(0, length));
          pending = pending.subarray(length);
          started = true;
          continue;
        }
        if (pending.length < 5) return;
        const length = pending.readInt32BE(1) + 1;
        if (pending.length < length) return;
        const type = String.fromCharCode(pending[0]!);
        if (isStep(type, pending.subarray(5, length))) {
          if (cutAt !== undefined && statements + 1 >= cutAt) {
            cutAt = undefined;
            cut = true;
            // the statement never reaches the server, nor anything after it: the client is gone
            isDown = true;
            dropAll();
            return;
          }
          statements += 1;
        }
        upstream.write(pending.subarray(0, length));
        pending = pending.subarray(length);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  return {
    via(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    cutBefore(n) {
      cut = false;
      cutAt = statements + n;
    },
    disarm() {
      cutAt = undefined;
    },
    get cut() {
      return cut;
    },
    get statements() {
      return statements;
    },
    down() {
      isDown = true;
      dropAll();
    },
    up() {
      isDown = false;
    },
    async close() {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
