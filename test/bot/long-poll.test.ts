import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GrammyError } from 'grammy';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.js';
import { BotApiNetworkError, type CallOutcome } from '../../src/bot/bot-api-client.js';
import { type LongPollConnection, openLongPollConnection } from '../../src/bot/long-poll.js';
import { freePort } from '../support/database.js';

/** One list, as the fleet passes it: a poll asking what the last one asked is written from the same bytes. */
const ALLOWED_UPDATES = ['message', 'callback_query'];
const params = (offset = 0, timeout = 0) => ({
  offset,
  limit: 100,
  timeout,
  allowed_updates: ALLOWED_UPDATES,
});

const TOKEN = '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** A poll's outcome: its updates, or what it was rejected with. */
const settled = (poll: Promise<unknown>) => poll.catch((error: unknown) => error);

describe('long-poll connection, against the Telegram simulator', () => {
  let sim: TelegramSim;
  const outcomes: CallOutcome[] = [];
  const open: LongPollConnection[] = [];
  const connect = (token: string) => {
    const connection = openLongPollConnection({
      apiRoot: sim.apiRoot,
      token,
      onCall: (method, outcome) => {
        expect(method).toBe('getUpdates');
        outcomes.push(outcome);
      },
    });
    open.push(connection);
    return connection;
  };
  beforeAll(async () => {
    sim = await startTelegramSim();
  });
  afterAll(async () => {
    for (const connection of open) connection.close();
    await sim.close();
  });

  it('waits for an update and hands it over; the next offset confirms it', async () => {
    const bot = sim.addBot();
    const user = sim.user();
    const connection = connect(bot.token);
    const signal = new AbortController().signal;
    const waiting = connection.poll(params(0, 30), signal);
    setTimeout(() => user.sendText(bot, 'سلام'), 50);
    const [update] = await waiting;
    expect(update?.message?.text).toBe('سلام');
    expect(await connection.poll(params(update!.update_id + 1), signal)).toEqual([]);
    expect(outcomes.slice(-2)).toEqual([undefined, undefined]);
  });

  it("throws Telegram's refusal as grammY does: a revoked token is a GrammyError 401, without the token", async () => {
    const refused = await settled(connect(TOKEN).poll(params(), new AbortController().signal));
    expect(refused).toBeInstanceOf(GrammyError);
    expect((refused as GrammyError).error_code).toBe(401);
    expect((refused as GrammyError).method).toBe('getUpdates');
    expect(outcomes.at(-1)).toBe(401);
    expect(String((refused as Error).message)).not.toContain('AAAAAAAA');
  });

  it('gives up a poll when its signal aborts, without waiting for its timeout, and sends none after', async () => {
    const bot = sim.addBot();
    const connection = connect(bot.token);
    const controller = new AbortController();
    const started = Date.now();
    const waiting = settled(connection.poll(params(0, 30), controller.signal));
    setTimeout(() => controller.abort(new Error('stopping')), 50);
    expect((await waiting) as Error).toHaveProperty('message', 'stopping');
    expect(Date.now() - started).toBeLessThan(10_000);
    const mark = sim.mark();
    expect(await settled(connection.poll(params(), controller.signal))).toHaveProperty('message', 'stopping');
    expect(sim.calls({ since: mark })).toEqual([]);
  });
});

/**
 * A server that answers each request (read whole: head and Content-Length body) with `answer`,
 * which writes to the socket as it likes. Counts connections.
 */
async function scriptedServer(
  answer: (socket: Socket, request: { head: string; body: string; index: number }) => void,
): Promise<{
  close: () => Promise<void>;
  apiRoot: string;
  connections: () => number;
  requests: () => number;
}> {
  let connections = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let data = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      for (;;) {
        const end = data.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = data.toString('latin1', 0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (data.length < end + 4 + length) return;
        const body = data.toString('utf8', end + 4, end + 4 + length);
        data = data.subarray(end + 4 + length);
        requests += 1;
        answer(socket, { head, body, index: requests });
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    // the server's own sockets too: a test that failed may have left a request unanswered
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
    apiRoot: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    connections: () => connections,
    requests: () => requests,
  };
}

const json = (value: unknown) => JSON.stringify(value);
const ok = (result: unknown[] = []) => json({ ok: true, result });

describe('long-poll connection, HTTP framing', () => {
  const servers: (() => Promise<void>)[] = [];
  const open: LongPollConnection[] = [];
  const serve = async (answer: Parameters<typeof scriptedServer>[0]) => {
    const scripted = await scriptedServer(answer);
    servers.push(scripted.close);
    const connection = openLongPollConnection({ apiRoot: scripted.apiRoot, token: TOKEN });
    open.push(connection);
    return { ...scripted, connection };
  };
  /** A signal of each test's own (a signal has one listener per connection that polls with it). */
  let signal: AbortSignal;
  beforeEach(() => {
    signal = new AbortController().signal;
  });
  afterEach(async () => {
    for (const connection of open.splice(0)) connection.close();
    await Promise.all(servers.splice(0).map((close) => close()));
  });

  it('sends one POST with the JSON parameters to the bot path, and reuses its connection', async () => {
    const heads: string[] = [];
    const bodies: string[] = [];
    const { connection, connections } = await serve((socket, request) => {
      heads.push(request.head);
      bodies.push(request.body);
      const body = ok([{ update_id: request.index }]);
      socket.write(
        `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
    });
    expect(await connection.poll(params(5), signal)).toEqual([{ update_id: 1 }]);
    expect(await connection.poll(params(6), signal)).toEqual([{ update_id: 2 }]);
    // the same parameters again (an idle bot's polls): the same request
    expect(await connection.poll(params(6), signal)).toEqual([{ update_id: 3 }]);
    expect(connections()).toBe(1);
    expect(heads[0]).toMatch(/^POST \/bot123456:A+\/getUpdates HTTP\/1\.1\r\n/);
    expect(heads[0]).toMatch(/\r\ncontent-type: application\/json\r\n/i);
    expect(bodies.map((body) => JSON.parse(body))).toEqual([params(5), params(6), params(6)]);
  });

  it('reads a chunked answer with a trailer, however its bytes are split', async () => {
    const result = [{ update_id: 7, message: { text: 'سلام دنیا' } }];
    const body = Buffer.from(ok(result));
    const { connection } = await serve((socket) => {
      const half = Math.floor(body.length / 2);
      const wire = Buffer.concat([
        Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'),
        Buffer.from(`${half.toString(16)};ext=1\r\n`),
        body.subarray(0, half),
        Buffer.from(`\r\n${(body.length - half).toString(16)}\r\n`),
        body.subarray(half),
        Buffer.from('\r\n0\r\nX-Trailer: yes\r\n\r\n'),
      ]);
      // one byte at a time: a head, a size line and a multi-byte character split anywhere
      let at = 0;
      const next = () => {
        if (at >= wire.length) return;
        socket.write(wire.subarray(at, at + 1));
        at += 1;
        setImmediate(next);
      };
      next();
    });
    expect(await connection.poll(params(), signal)).toEqual(result);
    expect(await connection.poll(params(), signal)).toEqual(result);
  });

  it('reads an answer framed by the end of its connection, and opens a new one for the next poll', async () => {
    const { connection, connections } = await serve((socket) => {
      socket.end(`HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n${ok([{ update_id: 1 }])}`);
    });
    expect(await connection.poll(params(), signal)).toEqual([{ update_id: 1 }]);
    expect(await connection.poll(params(), signal)).toEqual([{ update_id: 1 }]);
    expect(connections()).toBe(2);
  });

  it('skips an interim 100 Continue and reads the answer after it', async () => {
    const { connection } = await serve((socket) => {
      const body = ok();
      socket.write(
        `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
    });
    expect(await connection.poll(params(), signal)).toEqual([]);
  });

  it('asks again on a new connection when the kept one turns out closed, and only then', async () => {
    const answered = new WeakSet<Socket>();
    const { connection, connections, requests } = await serve((socket) => {
      // a kept connection the server has given up on: the request it gets is dropped unanswered
      if (answered.has(socket)) {
        socket.destroy();
        return;
      }
      answered.add(socket);
      const body = ok();
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
    expect(await connection.poll(params(), signal)).toEqual([]);
    expect(await connection.poll(params(), signal)).toEqual([]);
    expect([connections(), requests()]).toEqual([2, 3]);
    // a new connection that drops the request is not asked again: the poll fails
    const fresh = await serve((socket) => socket.destroy());
    expect(await settled(fresh.connection.poll(params(), signal))).toBeInstanceOf(BotApiNetworkError);
    expect([fresh.connections(), fresh.requests()]).toEqual([1, 1]);
  });

  it('reports trouble as a BotApiNetworkError: no JSON, an answer cut off, no answer in time, nobody listening', async () => {
    const garbled = await serve((socket) => {
      socket.write('HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: 5\r\n\r\noops!');
    });
    const notJson = await settled(garbled.connection.poll(params(), signal));
    expect(notJson).toBeInstanceOf(BotApiNetworkError);
    expect((notJson as Error).message).toContain('502');

    const cut = await serve((socket) => {
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"ok":tr');
    });
    const cutOff = await settled(cut.connection.poll(params(), signal));
    expect(cutOff).toBeInstanceOf(BotApiNetworkError);
    expect((cutOff as Error).message).toContain('cut off');

    const silent = await serve(() => undefined);
    const started = Date.now();
    const late = await settled(silent.connection.poll(params(0, 0), signal, 200));
    expect(late).toBeInstanceOf(BotApiNetworkError);
    expect((late as Error).message).toContain('not answered in time');
    expect(Date.now() - started).toBeLessThan(5_000);

    const nobody = openLongPollConnection({ apiRoot: `http://127.0.0.1:${await freePort()}`, token: TOKEN });
    const refused = await settled(nobody.poll(params(), signal));
    expect(refused).toBeInstanceOf(BotApiNetworkError);
    expect((refused as Error).message).not.toContain('AAAAAAAA');
    nobody.close();
  });

  it('refuses what is not HTTP/1.x or says more than its Content-Length', async () => {
    const odd = await serve((socket) => socket.write('SSH-2.0-OpenSSH\r\n\r\n'));
    expect(await settled(odd.connection.poll(params(), signal))).toBeInstanceOf(BotApiNetworkError);
    const long = await serve((socket) => socket.write(`HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n${ok()}`));
    expect(await settled(long.connection.poll(params(), signal))).toBeInstanceOf(BotApiNetworkError);
  });

  it('takes one poll at a time, and none once closed', async () => {
    const { connection } = await serve(() => undefined);
    const first = settled(connection.poll(params(0, 30), signal));
    expect(await settled(connection.poll(params(), signal))).toHaveProperty(
      'message',
      'a long poll is already in flight on this connection',
    );
    connection.close();
    expect(await first).toBeInstanceOf(BotApiNetworkError);
    expect(await settled(connection.poll(params(), signal))).toBeInstanceOf(BotApiNetworkError);
  });
});

describe('long-poll connection over TLS', () => {
  const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));
  const module = fileURLToPath(new URL('../../src/bot/long-poll.ts', import.meta.url));
  /** Polls `apiRoot` once in a process of its own (the trusted CAs are read at start-up). */
  const pollFrom = async (apiRoot: string, env: Record<string, string>) => {
    const script = `
      import { openLongPollConnection } from ${JSON.stringify(module)};
      const connection = openLongPollConnection({ apiRoot: ${JSON.stringify(apiRoot)}, token: '1:x' });
      const params = { offset: 0, limit: 100, timeout: 0, allowed_updates: [] };
      connection.poll(params, new AbortController().signal)
        .then((updates) => console.log(JSON.stringify({ updates })))
        .catch((error) => console.log(JSON.stringify({ error: error.name, message: error.message })))
        .finally(() => connection.close());`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        env: { ...process.env, ...env },
      },
    );
    return JSON.parse(stdout.trim()) as { updates?: unknown[]; error?: string; message?: string };
  };

  it('verifies the server against the trusted CAs and reads its answer', async () => {
    const server = createHttpsServer(
      { key: readFileSync(fixture('localhost.key')), cert: readFileSync(fixture('localhost.crt')) },
      (req, res) => {
        expect(req.url).toBe('/bot1:x/getUpdates');
        res.setHeader('content-type', 'application/json');
        res.end(ok([{ update_id: 3 }]));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const apiRoot = `https://localhost:${(server.address() as { port: number }).port}`;
    try {
      expect(await pollFrom(apiRoot, { NODE_EXTRA_CA_CERTS: fixture('localhost.crt') })).toEqual({
        updates: [{ update_id: 3 }],
      });
      // a certificate no trusted CA signed is refused
      const untrusted = await pollFrom(apiRoot, {});
      expect(untrusted.error).toBe('BotApiNetworkError');
      expect(untrusted.message).toMatch(/certificate/i);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 30_000);
});
