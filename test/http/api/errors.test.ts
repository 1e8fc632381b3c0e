import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { createLogger } from '../../../src/shared/logger.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, type Json, OPERATOR_TOKEN, startApi } from './support.js';

const op = { token: OPERATOR_TOKEN };
const SECRET = 'connect ECONNREFUSED 10.1.2.3:5432 password=hunter2';

describe.each(BACKENDS)('API errors and auth on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  it('answers an unknown route under /api with the JSON error and a request id', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nothing-here'],
      ['GET', '/api/v2/bots'],
      ['PATCH', '/api/v1/bots/1'],
    ] as const) {
      const answer = await h.call(method, path, op);
      expectErrorBody(answer, 404, 'not_found');
      expect(answer.body.error.requestId).toBe(answer.headers['x-request-id']);
    }
  });

  it('gives every request its own id, in the header and in error bodies', async () => {
    const first = await h.call('GET', '/api/v1/me', {});
    const second = await h.call('GET', '/api/v1/me', {});
    expect(first.body.error.requestId).toMatch(/^req_[\w-]{16}$/);
    expect(first.body.error.requestId).not.toBe(second.body.error.requestId);
  });

  it('answers malformed JSON, a wrong content type and an oversized body in the same shape', async () => {
    const post = (payload: string, contentType: string) =>
      h.server.inject({
        method: 'POST',
        url: '/api/v1/bots',
        headers: { 'x-api-token': OPERATOR_TOKEN, 'content-type': contentType },
        payload,
      });
    const broken = await post('{"name":', 'application/json');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error).toMatchObject({ code: 'invalid_request', requestId: expect.any(String) });
    const text = await post('name=x', 'text/plain');
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('unsupported_media_type');
    const huge = await post(JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }), 'application/json');
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('payload_too_large');
    const nothing = await post('', 'application/json');
    expect(nothing.statusCode).toBe(400);
    expect(nothing.json().error.code).toBe('invalid_request');
  });

  it('accepts the token as X-API-Token or as a Bearer token, any case of "Bearer"', async () => {
    expect((await h.call('GET', '/api/v1/me', { token: OPERATOR_TOKEN })).status).toBe(200);
    expect((await h.call('GET', '/api/v1/me', { token: OPERATOR_TOKEN, bearer: true })).status).toBe(200);
    const lower = await h.call('GET', '/api/v1/me', {
      headers: { authorization: `bearer ${OPERATOR_TOKEN}` },
    });
    expect(lower.body.role).toBe('operator');
    const { apiToken } = await h.tenant();
    expect((await h.call('GET', '/api/v1/me', { token: apiToken, bearer: true })).body.role).toBe('tenant');
    // a wrong X-API-Token is not rescued by a right Bearer token: the first one named is the one used
    const both = await h.call('GET', '/api/v1/me', {
      headers: { 'x-api-token': 'wrong', authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expectErrorBody(both, 401, 'unauthorized');
  });

  it('refuses a token for a deleted bot', async () => {
    const { id, apiToken } = await h.tenant();
    expect((await h.call('GET', '/api/v1/me', { token: apiToken })).status).toBe(200);
    await h.app.platform.tenants.delete(id);
    expectErrorBody(await h.call('GET', '/api/v1/me', { token: apiToken }), 401, 'unauthorized');
  });

  it('leaves /health and the webhook route as they were', async () => {
    const health = await h.call('GET', '/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', bots: 0 } });
    // a bot this process does not run answers like a wrong secret (see test/http/public-routes.test.ts)
    const webhook = await h.call('POST', '/tg/123', { body: { update_id: 1 } });
    expect(webhook).toMatchObject({ status: 401, body: { ok: false } });
  });
});

describe.each(BACKENDS)('API failures on %s', (backend) => {
  let h: ApiHarness;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    h = await startApi(backend, {
      logger: createLogger({ level: 'error' }, sink),
      // the registry fails the way a lost database connection would
      wrapApp: (app): App => ({
        ...app,
        platform: {
          ...app.platform,
          tenants: {
            ...app.platform.tenants,
            get: async () => {
              throw new Error(SECRET);
            },
          },
        },
      }),
    });
  });
  afterAll(() => h.close());

  it('answers an unexpected failure with 500 and nothing about its cause, and logs it with the request id', async () => {
    const answer = await h.call('GET', '/api/v1/bots/1', op);
    expectErrorBody(answer, 500, 'internal_error');
    expect(answer.body.error.message).toBe('internal error');
    expect(JSON.stringify(answer)).not.toContain('hunter2');
    expect(JSON.stringify(answer)).not.toContain('10.1.2.3');
    const logged = lines.map((line) => JSON.parse(line) as Record<string, Json>);
    const entry = logged.find((line) => line.requestId === answer.body.error.requestId);
    expect(entry?.err?.message).toBe(SECRET);
    // and the token that made the request is not in the log
    expect(lines.join('\n')).not.toContain(OPERATOR_TOKEN);
  });
});

describe.each(BACKENDS)('API without an operator token on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend, { operatorToken: undefined });
  });
  afterAll(() => h.close());

  it('has no operator: every operator-looking token is refused, tenant tokens still work', async () => {
    for (const token of [OPERATOR_TOKEN, 'undefined', '']) {
      expectErrorBody(await h.call('GET', '/api/v1/bots', { token }), 401, 'unauthorized');
    }
    const { apiToken } = await h.tenant();
    expect((await h.call('GET', '/api/v1/me', { token: apiToken })).body.role).toBe('tenant');
  });
});

describe.each(BACKENDS)('API rate limits on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend, { rateLimit: { max: 3, timeWindowMs: 60_000 } });
  });
  afterAll(() => h.close());

  it('limits each token on its own, answering 429 with Retry-After in the error shape', async () => {
    const a = await h.tenant();
    const b = await h.tenant();
    for (let i = 0; i < 3; i++) {
      const answer = await h.call('GET', '/api/v1/me', { token: a.apiToken });
      expect(answer.status).toBe(200);
      expect(answer.headers['x-ratelimit-remaining']).toBe(String(2 - i));
    }
    const limited = await h.call('GET', '/api/v1/me', { token: a.apiToken });
    expectErrorBody(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // the same token as a Bearer token is the same bucket
    expect((await h.call('GET', '/api/v1/me', { token: a.apiToken, bearer: true })).status).toBe(429);
    // another token has its own budget
    expect((await h.call('GET', '/api/v1/me', { token: b.apiToken })).status).toBe(200);
  });

  it('limits requests without a valid token by address, so guessing tokens is limited too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await h.call('GET', '/api/v1/me', { token: `guess-${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // a valid token is not held back by the strangers at the same address
    expect((await h.call('GET', '/api/v1/me', { token: OPERATOR_TOKEN })).status).toBe(200);
  });

  it('does not limit the documentation', async () => {
    for (let i = 0; i < 5; i++) expect((await h.call('GET', '/api/v1/openapi.json')).status).toBe(200);
  });
});
