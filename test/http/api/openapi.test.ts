import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, type Json, OPERATOR_TOKEN, startApi } from './support.js';

/** Every operation of the API, and whether a tenant token is refused it (403). */
const OPERATIONS: [string, string, 'operator' | 'any'][] = [
  ['get', '/api/v1/me', 'any'],
  ['post', '/api/v1/bots', 'operator'],
  ['get', '/api/v1/bots', 'operator'],
  ['get', '/api/v1/bots/{id}', 'any'],
  ['put', '/api/v1/bots/{id}', 'any'],
  ['delete', '/api/v1/bots/{id}', 'operator'],
  ['post', '/api/v1/bots/{id}/activate', 'operator'],
  ['post', '/api/v1/bots/{id}/deactivate', 'operator'],
  ['post', '/api/v1/bots/{id}/api-token', 'any'],
  ['get', '/api/v1/bots/{id}/features', 'any'],
  ['get', '/api/v1/bots/{id}/features/{key}', 'any'],
  ['put', '/api/v1/bots/{id}/features/{key}', 'operator'],
  ['delete', '/api/v1/bots/{id}/features/{key}', 'operator'],
  ['get', '/api/v1/bots/{id}/config', 'any'],
  ['get', '/api/v1/bots/{id}/config/{key}', 'any'],
  ['put', '/api/v1/bots/{id}/config/{key}', 'any'],
  ['delete', '/api/v1/bots/{id}/config/{key}', 'any'],
  ['get', '/api/v1/bots/{id}/plans', 'any'],
  ['post', '/api/v1/bots/{id}/plans', 'any'],
  ['get', '/api/v1/bots/{id}/plans/{planId}', 'any'],
  ['put', '/api/v1/bots/{id}/plans/{planId}', 'any'],
  ['delete', '/api/v1/bots/{id}/plans/{planId}', 'any'],
  ['get', '/api/v1/bots/{id}/packs', 'any'],
  ['post', '/api/v1/bots/{id}/packs', 'any'],
  ['get', '/api/v1/bots/{id}/packs/{packId}', 'any'],
  ['put', '/api/v1/bots/{id}/packs/{packId}', 'any'],
  ['delete', '/api/v1/bots/{id}/packs/{packId}', 'any'],
  ['get', '/api/v1/bots/{id}/broadcasts', 'any'],
  ['post', '/api/v1/bots/{id}/broadcasts', 'any'],
  ['get', '/api/v1/bots/{id}/broadcasts/audience', 'any'],
  ['get', '/api/v1/bots/{id}/broadcasts/{broadcastId}', 'any'],
  ['post', '/api/v1/bots/{id}/broadcasts/{broadcastId}/cancel', 'any'],
  ['get', '/api/v1/bots/{id}/wallet/consumption', 'any'],
  ['get', '/api/v1/bots/{id}/help-pages', 'any'],
  ['post', '/api/v1/bots/{id}/help-pages', 'any'],
  ['get', '/api/v1/bots/{id}/help-pages/{key}', 'any'],
  ['put', '/api/v1/bots/{id}/help-pages/{key}', 'any'],
  ['delete', '/api/v1/bots/{id}/help-pages/{key}', 'any'],
  ['get', '/api/v1/bots/{id}/groups', 'any'],
  ['post', '/api/v1/bots/{id}/groups', 'any'],
  ['get', '/api/v1/bots/{id}/groups/{groupId}', 'any'],
  ['put', '/api/v1/bots/{id}/groups/{groupId}', 'any'],
  ['delete', '/api/v1/bots/{id}/groups/{groupId}', 'any'],
  ['put', '/api/v1/bots/{id}/groups/{groupId}/prices/{planId}', 'any'],
  ['delete', '/api/v1/bots/{id}/groups/{groupId}/prices/{planId}', 'any'],
  ['put', '/api/v1/bots/{id}/customers/{customerId}/group', 'any'],
  ['get', '/api/v1/bots/{id}/promo-codes', 'any'],
  ['post', '/api/v1/bots/{id}/promo-codes', 'any'],
  ['get', '/api/v1/bots/{id}/promo-codes/{promoId}', 'any'],
  ['put', '/api/v1/bots/{id}/promo-codes/{promoId}', 'any'],
  ['delete', '/api/v1/bots/{id}/promo-codes/{promoId}', 'any'],
  ['get', '/api/v1/bots/{id}/cards', 'any'],
  ['post', '/api/v1/bots/{id}/cards', 'any'],
  ['get', '/api/v1/bots/{id}/cards/{cardId}', 'any'],
  ['put', '/api/v1/bots/{id}/cards/{cardId}', 'any'],
  ['delete', '/api/v1/bots/{id}/cards/{cardId}', 'any'],
  ['get', '/api/v1/bots/{id}/customers', 'any'],
  ['get', '/api/v1/bots/{id}/customers/{customerId}', 'any'],
  ['post', '/api/v1/bots/{id}/customers/{customerId}/credit', 'any'],
  ['post', '/api/v1/bots/{id}/customers/{customerId}/block', 'any'],
  ['post', '/api/v1/bots/{id}/customers/{customerId}/unblock', 'any'],
  ['post', '/api/v1/bots/{id}/customers/{customerId}/message', 'any'],
  ['get', '/api/v1/bots/{id}/payments', 'any'],
  ['get', '/api/v1/bots/{id}/payments/card-to-card/{paymentId}', 'any'],
  ['post', '/api/v1/bots/{id}/payments/card-to-card/{paymentId}/approve', 'any'],
  ['post', '/api/v1/bots/{id}/payments/card-to-card/{paymentId}/reject', 'any'],
  ['get', '/api/v1/bots/{id}/tickets', 'any'],
  ['get', '/api/v1/bots/{id}/tickets/{ticketId}', 'any'],
  ['post', '/api/v1/bots/{id}/tickets/{ticketId}/reply', 'any'],
  ['post', '/api/v1/bots/{id}/tickets/{ticketId}/close', 'any'],
  ['post', '/api/v1/bots/{id}/tickets/{ticketId}/reopen', 'any'],
  ['get', '/api/v1/maintenance', 'operator'],
  ['put', '/api/v1/maintenance', 'operator'],
  ['get', '/api/v1/bots/{id}/maintenance', 'any'],
  ['put', '/api/v1/bots/{id}/maintenance', 'any'],
  ['get', '/api/v1/resellers/plans', 'operator'],
  ['post', '/api/v1/resellers/plans', 'operator'],
  ['put', '/api/v1/resellers/plans/{planId}', 'operator'],
  ['get', '/api/v1/resellers/signups', 'operator'],
  ['post', '/api/v1/resellers/signups/{signupId}/approve', 'operator'],
  ['post', '/api/v1/resellers/signups/{signupId}/reject', 'operator'],
  ['get', '/api/v1/bots/{id}/reseller', 'any'],
];

type Operation = {
  summary?: string;
  tags?: string[];
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content: { 'application/json': { schema: Record<string, Json> } } };
  responses: Record<string, { description: string; content?: unknown }>;
};

describe.each(BACKENDS)('OpenAPI document and docs page on %s', (backend) => {
  let h: ApiHarness;
  let doc: {
    openapi: string;
    info: { title: string };
    paths: Record<string, Record<string, Operation>>;
    components: Json;
    security: unknown[];
  };
  beforeAll(async () => {
    h = await startApi(backend);
    const answer = await h.call('GET', '/api/v1/openapi.json');
    expect(answer.status).toBe(200);
    doc = answer.body;
  });
  afterAll(() => h.close());

  const operation = (method: string, path: string) => {
    const found = doc.paths[path]?.[method];
    if (!found) throw new Error(`${method} ${path} is not documented`);
    return found;
  };

  it('is served without a token, as OpenAPI 3 with both ways to authenticate', () => {
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info.title).toBe('Remnafleet management API');
    expect(doc.components.securitySchemes).toEqual({
      apiToken: { type: 'apiKey', in: 'header', name: 'X-API-Token' },
      bearer: { type: 'http', scheme: 'bearer' },
    });
    expect(doc.security).toEqual([{ apiToken: [] }, { bearer: [] }]);
  });

  it('documents exactly the routes of the API (not the webhook, health or docs routes)', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual(OPERATIONS.map(([method, path]) => `${method} ${path}`).sort());
  });

  it('describes each route: summary, tag, path parameters, success and error answers', () => {
    for (const [method, path, access] of OPERATIONS) {
      const op = operation(method, path);
      const where = `${method} ${path}`;
      expect(op.summary, where).toBeTruthy();
      expect(op.tags?.length, where).toBe(1);
      const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      expect(
        (op.parameters ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort(),
        where,
      ).toEqual(pathParams.sort());
      const statuses = Object.keys(op.responses);
      expect(
        statuses.some((s) => /^2/.test(s)),
        where,
      ).toBe(true);
      expect(statuses, where).toEqual(expect.arrayContaining(['400', '401', '429']));
      if (path.includes('{id}')) expect(statuses, where).toContain('404');
      if (access === 'operator') expect(statuses, where).toContain('403');
      else expect(statuses, where).not.toContain('403');
      if (method === 'post' || method === 'put') {
        const bodiless = [
          '/activate',
          '/deactivate',
          '/api-token',
          '/approve',
          '/close',
          '/reopen',
          '/block',
          '/unblock',
          '/cancel',
        ];
        if (!bodiless.some((suffix) => path.endsWith(suffix))) {
          expect(op.requestBody?.content['application/json'].schema.type, where).toBe('object');
        }
      }
    }
  });

  it('generates the bodies from the same zod schemas the routes parse with', async () => {
    const create = operation('post', '/api/v1/bots').requestBody!.content['application/json'].schema;
    expect(create.required).toEqual(['name', 'token']);
    expect(create.additionalProperties).toBe(false);
    const plan = operation('post', '/api/v1/bots/{id}/plans').requestBody!.content['application/json'].schema;
    expect(plan.properties.periodDays).toMatchObject({ type: 'integer', minimum: 1, maximum: 3650 });
    expect(plan.required).toEqual(['name', 'periodDays', 'price']);
    const list = operation('get', '/api/v1/bots/{id}/customers').parameters!.filter((p) => p.in === 'query');
    expect(list.map((p) => p.name).sort()).toEqual(['limit', 'offset', 'search']);
    const credit = operation('post', '/api/v1/bots/{id}/customers/{customerId}/credit');
    expect(credit.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'header', name: 'idempotency-key', required: false }),
      ]),
    );
    const answers = operation('get', '/api/v1/bots/{id}').responses;
    expect(JSON.stringify(answers['200'])).not.toMatch(/hash|ciphertext|webhook/i);

    // and the routes validate with zod (field names and zod's messages), not with the JSON schema
    const refused = await h.call('POST', '/api/v1/bots', {
      token: OPERATOR_TOKEN,
      body: { name: 'x', token: 'bad' },
    });
    expectErrorBody(refused, 400, 'invalid_request');
    expect(refused.body.error.fields).toEqual([
      {
        field: 'body.token',
        message: 'is not a Telegram bot token (123456789:ABC…, as @BotFather gives it)',
      },
    ]);
  });

  it('serves the docs page and its assets at /api/docs', async () => {
    const page = await h.call('GET', '/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('swagger-ui');
    // every asset the page links is really there
    const links = [...(page.body as string).matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(links).toEqual(expect.arrayContaining(['/api/docs/static/swagger-ui-bundle.js']));
    for (const link of links) {
      const asset = await h.server.inject({ method: 'GET', url: link });
      expect(asset.statusCode, link).toBe(200);
    }
    const script = await h.server.inject({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' });
    expect(script.body).toContain("resolveUrl('./json')");
    const spec = await h.call('GET', '/api/docs/json');
    expect(spec.body).toEqual(doc);
  });
});
