import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withLuhnDigit } from '../../modules/helpers.js';
import { BACKENDS, fakeBotToken } from '../../support/database.js';
import { type Fixture, makeFixture, snapshot } from './security.js';
import { type ApiHarness, expectErrorBody, type Json, OPERATOR_TOKEN, startApi } from './support.js';

const op = { token: OPERATOR_TOKEN };

/** Strings PostgreSQL refuses (NUL) or cannot store as sent (a surrogate without its pair). */
const HOSTILE = {
  nul: 'Gold\u0000plan',
  'lone high surrogate': 'Gold\ud800plan',
  'lone low surrogate': '\udc00Gold',
  'reversed pair': 'Gold\udc00\ud800',
} as const;

interface HostileCase {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: (f: Fixture) => string;
  /** The request body with `bad` in one place. */
  readonly body?: (bad: string) => unknown;
  /** The field the refusal must name. */
  readonly field: string;
}

let nextCard = 200_000_000_000_000;
const cardNumber = () => withLuhnDigit(String(nextCard++));

const CASES: readonly HostileCase[] = [
  {
    method: 'POST',
    path: () => '/api/v1/bots',
    body: (bad) => ({ name: bad, token: fakeBotToken() }),
    field: 'body.name',
  },
  { method: 'PUT', path: (f) => `/api/v1/bots/${f.id}`, body: (bad) => ({ name: bad }), field: 'body.name' },
  {
    method: 'POST',
    path: (f) => `/api/v1/bots/${f.id}/cards`,
    body: (bad) => ({ cardNumber: cardNumber(), holderName: bad }),
    field: 'body.holderName',
  },
  {
    method: 'POST',
    path: (f) => `/api/v1/bots/${f.id}/cards`,
    body: (bad) => ({ cardNumber: cardNumber(), holderName: 'Ali', bankName: bad }),
    field: 'body.bankName',
  },
  {
    method: 'PUT',
    path: (f) => `/api/v1/bots/${f.id}/cards/${f.cardId}`,
    body: (bad) => ({ holderName: bad }),
    field: 'body.holderName',
  },
  {
    method: 'PUT',
    path: (f) => `/api/v1/bots/${f.id}/cards/${f.cardId}`,
    body: (bad) => ({ bankName: bad }),
    field: 'body.bankName',
  },
  {
    method: 'POST',
    path: (f) => `/api/v1/bots/${f.id}/plans`,
    body: (bad) => ({ name: bad, periodDays: 30, price: 100_000 }),
    field: 'body.name',
  },
  {
    method: 'PUT',
    path: (f) => `/api/v1/bots/${f.id}/plans/${f.planId}`,
    body: (bad) => ({ name: bad }),
    field: 'body.name',
  },
  {
    method: 'PUT',
    path: (f) => `/api/v1/bots/${f.id}/config/rules_text`,
    body: (bad) => ({ value: bad }),
    field: 'body.value',
  },
  {
    method: 'PUT',
    path: (f) => `/api/v1/bots/${f.id}/config/support_username`,
    body: (bad) => ({ value: bad }),
    field: 'body.value',
  },
  {
    method: 'PUT',
    path: (f) => `/api/v1/bots/${f.id}/config/panel_squads`,
    body: (bad) => ({ value: ['squad-a', bad] }),
    field: 'body.value.1',
  },
  {
    method: 'PUT',
    path: (f) => `/api/v1/bots/${f.id}/config/panel_tag`,
    body: (bad) => ({ value: bad }),
    field: 'body.value',
  },
  {
    method: 'PUT',
    path: (f) => `/api/v1/bots/${f.id}/features/zarinpal`,
    body: (bad) => ({ enabled: true, config: { note: bad } }),
    field: 'body.config.note',
  },
  {
    method: 'PUT',
    path: (f) => `/api/v1/bots/${f.id}/features/zarinpal`,
    body: (bad) => ({ enabled: true, config: { nested: [{ deep: bad }] } }),
    field: 'body.config.nested.0.deep',
  },
  {
    method: 'POST',
    path: (f) => `/api/v1/bots/${f.id}/customers/${f.customerId}/credit`,
    body: (bad) => ({ amount: 1000, reason: bad }),
    field: 'body.reason',
  },
  {
    method: 'POST',
    path: (f) => `/api/v1/bots/${f.id}/payments/card-to-card/${f.cardPaymentId}/reject`,
    body: (bad) => ({ reason: bad }),
    field: 'body.reason',
  },
];

describe.each(BACKENDS)('hostile strings in API requests on %s', (backend) => {
  let h: ApiHarness;
  let f: Fixture;
  beforeAll(async () => {
    h = await startApi(backend);
    f = await makeFixture(h, 'Hostile');
  });
  afterAll(() => h.close());

  it('refuses a NUL or an unpaired surrogate anywhere in a body with a 400 naming the field, and stores nothing', async () => {
    const before = await snapshot(h.app, f);
    const botsBefore = await h.call('GET', '/api/v1/bots', op);
    for (const c of CASES) {
      for (const [kind, bad] of Object.entries(HOSTILE)) {
        const answer = await h.call(c.method, c.path(f), { ...op, body: c.body?.(bad) });
        const label = `${c.method} ${c.path(f)} with a ${kind} in ${c.field}`;
        expect(answer.status, `${label}: ${JSON.stringify(answer.body)}`).toBe(400);
        expectErrorBody(answer, 400, 'invalid_request');
        expect(answer.body.error.fields, label).toContainEqual({
          field: c.field,
          message: expect.any(String),
        });
      }
    }
    expect(await snapshot(h.app, f)).toEqual(before);
    expect((await h.call('GET', '/api/v1/bots', op)).body).toEqual(botsBefore.body);
  });

  it('refuses them in object keys too, naming the key without echoing the raw character', async () => {
    const answer = await h.call('PUT', `/api/v1/bots/${f.id}/features/zarinpal`, {
      ...op,
      body: { enabled: true, config: { 'a\u0000b': 1 } },
    });
    expectErrorBody(answer, 400, 'invalid_request');
    const [problem] = answer.body.error.fields as { field: string }[];
    expect(problem?.field).toBe('body.config.a\ufffdb');
    expect(JSON.stringify(answer.body)).not.toContain('\\u0000');
  });

  it('refuses them in the query and in path parameters', async () => {
    for (const search of ['a%00b', '%00']) {
      const answer = await h.call('GET', `/api/v1/bots/${f.id}/customers?search=${search}`, op);
      expectErrorBody(answer, 400, 'invalid_request');
      expect(answer.body.error.fields).toContainEqual({ field: 'query.search', message: expect.any(String) });
    }
    const key = await h.call('GET', `/api/v1/bots/${f.id}/config/rules%00text`, op);
    expectErrorBody(key, 400, 'invalid_request');
    expect(key.body.error.fields).toContainEqual({ field: 'params.key', message: expect.any(String) });
    // bytes that are not UTF-8 (a surrogate encoded on its own) never become a 500 either
    for (const search of ['%ED%A0%80', '%C0%80', '%FF']) {
      const answer = await h.call('GET', `/api/v1/bots/${f.id}/customers?search=${search}`, op);
      expect(answer.status, search).toBeLessThan(500);
      expect(answer.body.error?.code ?? 'ok', search).not.toBe('internal_error');
    }
  });

  it('still takes text with emoji (surrogate pairs) and other scripts', async () => {
    const name = 'طلایی 🚀 Золото';
    const plan = await h.call('PUT', `/api/v1/bots/${f.id}/plans/${f.planId}`, { ...op, body: { name } });
    expect(plan.status).toBe(200);
    expect(plan.body.name).toBe(name);
    const search = await h.call(
      'GET',
      `/api/v1/bots/${f.id}/customers?search=${encodeURIComponent('🚀')}`,
      op,
    );
    expect(search.status).toBe(200);
  });

  it('refuses nesting deep enough to overflow the stack of whatever serialises it again with a 400', async () => {
    const depth = 100_000;
    const payload = `{"value":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const answer = await h.server.inject({
      method: 'PUT',
      url: `/api/v1/bots/${f.id}/config/panel_squads`,
      headers: { 'x-api-token': OPERATOR_TOKEN, 'content-type': 'application/json' },
      payload,
    });
    expect(answer.statusCode, answer.body).toBe(400);
    const [problem] = (answer.json() as Json).error.fields;
    expect(problem.field).toMatch(/^body\.value(\.0)+$/);
    expect(problem.message).toContain('nested more than');
  });
});

/** The raw answer to a request written on a plain TCP socket: what a client really receives. */
async function overRawSocket(
  base: string,
  head: { method: string; path: string; headers: Record<string, string> },
  body: Buffer,
  options: { chunked?: boolean } = {},
): Promise<{ status: number; headers: string; body: string; writeError: string | undefined }> {
  const url = new URL(base);
  const socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const received: Buffer[] = [];
  let writeError: string | undefined;
  // done when the server closes, or once a whole answer (headers and Content-Length bytes) is in
  const answered = new Promise<void>((resolve) => {
    const complete = () => {
      const all = Buffer.concat(received);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const length = /content-length: (\d+)/i.exec(all.subarray(0, end).toString('latin1'))?.[1];
      return length !== undefined && all.length >= end + 4 + Number(length);
    };
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (complete()) resolve();
    });
    socket.on('error', (error) => {
      writeError = error.message;
    });
    socket.on('close', () => resolve());
  });
  const headers = {
    host: url.host,
    ...head.headers,
    ...(options.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) }),
  };
  const lines = [
    `${head.method} ${head.path} HTTP/1.1`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  const write = (data: Buffer | string) =>
    new Promise<void>((resolve) => {
      if (socket.destroyed) return resolve();
      socket.write(data, () => resolve());
    });
  await write(`${lines.join('\r\n')}\r\n\r\n`);
  const piece = 64 * 1024;
  for (let offset = 0; offset < body.length && !socket.destroyed; offset += piece) {
    const slice = body.subarray(offset, offset + piece);
    await write(
      options.chunked
        ? Buffer.concat([Buffer.from(`${slice.length.toString(16)}\r\n`), slice, Buffer.from('\r\n')])
        : slice,
    );
  }
  if (options.chunked) await write('0\r\n\r\n');
  const timer = setTimeout(() => socket.destroy(), 10_000);
  await answered;
  clearTimeout(timer);
  socket.destroy();
  const text = Buffer.concat(received).toString('utf8');
  const [headerText = '', bodyText = ''] = text.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(headerText)?.[1] ?? 0);
  return { status, headers: headerText, body: bodyText, writeError };
}

describe('bodies over the limit', () => {
  let h: ApiHarness;
  let base: string;
  beforeAll(async () => {
    h = await startApi('pglite');
    base = await h.server.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => h.close());

  const tenMegabytes = () =>
    Buffer.from(JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024), token: fakeBotToken() }));

  it('answers a 10 MB JSON body on a real socket with 413 in the error shape, the connection read to the end', async () => {
    const answer = await overRawSocket(
      base,
      {
        method: 'POST',
        path: '/api/v1/bots',
        headers: { 'x-api-token': OPERATOR_TOKEN, 'content-type': 'application/json' },
      },
      tenMegabytes(),
    );
    expect(answer.writeError).toBeUndefined();
    expect(answer.status, answer.headers).toBe(413);
    const body = JSON.parse(answer.body) as Json;
    expect(body.error).toMatchObject({
      code: 'payload_too_large',
      requestId: expect.stringMatching(/^req_/),
    });
    expect(answer.headers.toLowerCase()).toContain(`x-request-id: ${body.error.requestId.toLowerCase()}`);
  });

  it('answers a chunked body that grows past the limit the same way', async () => {
    const answer = await overRawSocket(
      base,
      {
        method: 'POST',
        path: '/api/v1/bots',
        headers: { 'x-api-token': OPERATOR_TOKEN, 'content-type': 'application/json' },
      },
      tenMegabytes(),
      { chunked: true },
    );
    expect(answer.writeError).toBeUndefined();
    expect(answer.status, answer.headers).toBe(413);
    expect((JSON.parse(answer.body) as Json).error.code).toBe('payload_too_large');
  });

  it('answers 413 to a 10 MB webhook body rather than dropping the connection', async () => {
    const answer = await overRawSocket(
      base,
      { method: 'POST', path: '/tg/123', headers: { 'content-type': 'application/json' } },
      tenMegabytes(),
    );
    expect(answer.writeError).toBeUndefined();
    expect(answer.status, answer.headers).toBe(413);
  });

  it('answers 401 to a stranger whose request is over the limit, and the answer arrives', async () => {
    const answer = await overRawSocket(
      base,
      { method: 'POST', path: '/api/v1/bots', headers: { 'content-type': 'application/json' } },
      tenMegabytes(),
    );
    expect(answer.writeError).toBeUndefined();
    expect(answer.status, answer.headers).toBe(401);
  });
});
