import { Composer } from 'grammy';
import type { App, TenantServices } from '../../../src/app.js';
import type { BotContext } from '../../../src/bot/context.js';
import { createFleet } from '../../../src/bot/fleet.js';
import { createTranslator } from '../../../src/bot/i18n.js';
import { createServer, type HttpServer } from '../../../src/http/server.js';
import type { BotId } from '../../../src/shared/ids.js';
import type { Logger } from '../../../src/shared/logger.js';
import {
  type Backend,
  createTenant,
  createTestApp,
  fakeBotToken,
  TEST_ENCRYPTION_KEY,
  type TestApp,
} from '../../support/database.js';
import { testLogs } from '../../support/log-capture.js';

export const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789abcdef';

/** A parsed response body: untyped JSON, which the tests check by assertions. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are untyped JSON checked by the assertions
export type Json = any;

export interface Answer<T = Json> {
  readonly status: number;
  readonly body: T;
  readonly headers: Record<string, string | string[] | number | undefined>;
}

export interface Send {
  readonly token?: string | undefined;
  /** Authorization: Bearer instead of X-API-Token. */
  readonly bearer?: boolean;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface ApiHarness {
  readonly t: TestApp;
  readonly app: App;
  readonly server: HttpServer;
  /** Over a real listening socket, like `fetch` (kept as the short name the tests use). */
  call<T = Json>(method: string, path: string, send?: Send): Promise<Answer<T>>;
  /** Over a real listening socket. */
  fetch<T = Json>(method: string, path: string, send?: Send): Promise<Answer<T>>;
  /** A tenant with its API token. */
  tenant(name?: string): Promise<{ id: BotId; apiToken: string }>;
  close(): Promise<void>;
}

/** JSON bodies parsed, anything else (the docs page) as text, no body as undefined. */
const bodyOf = (text: string, contentType: unknown): unknown => {
  if (text === '') return undefined;
  return String(contentType ?? '').includes('json') ? (JSON.parse(text) as unknown) : text;
};

/**
 * The production HTTP server (createServer) over a real app and database. Its fleet is real but not
 * started: the API never goes through it, and nothing here should talk to Telegram.
 */
export async function startApi(
  backend: Backend,
  options: {
    rateLimit?: { max: number; timeWindowMs?: number };
    operatorToken?: string | undefined;
    /** Wraps the app the server sees (to make a dependency fail, for instance). */
    wrapApp?: (app: App) => App;
    logger?: Logger;
    /** Options of the app under test (a Zarinpal gateway, a clock...). */
    app?: Parameters<typeof createTestApp>[1];
  } = {},
): Promise<ApiHarness> {
  const t = await createTestApp(backend, options.app);
  const logger = options.logger ?? testLogs.logger;
  const app = options.wrapApp ? options.wrapApp(t.app) : t.app;
  const fleet = createFleet({
    app,
    handler: new Composer<BotContext>(),
    translator: createTranslator(),
    logger,
    options: { apiRoot: 'http://127.0.0.1:9', mode: 'polling', secretKey: TEST_ENCRYPTION_KEY },
  });
  const server = createServer({
    fleet,
    app,
    logger,
    api: {
      operatorToken: 'operatorToken' in options ? options.operatorToken : OPERATOR_TOKEN,
      rateLimit: options.rateLimit ?? { max: 100_000 },
    },
  });
  // the promise, not its result: concurrent first calls share one listen
  let listening: Promise<string> | undefined;

  const headersOf = (send: Send) => {
    const headers: Record<string, string> = { ...send.headers };
    if (send.token !== undefined) {
      if (send.bearer) headers.authorization = `Bearer ${send.token}`;
      else headers['x-api-token'] = send.token;
    }
    if (send.body !== undefined) headers['content-type'] = 'application/json';
    return headers;
  };

  const overSocket = async (method: string, path: string, send: Send = {}): Promise<Answer> => {
    listening ??= server.listen({ host: '127.0.0.1', port: 0 });
    const base = await listening;
    const response = await fetch(`${base}${path}`, {
      method,
      headers: headersOf(send),
      ...(send.body !== undefined ? { body: JSON.stringify(send.body) } : {}),
    });
    return {
      status: response.status,
      body: bodyOf(await response.text(), response.headers.get('content-type') ?? undefined),
      headers: Object.fromEntries(response.headers.entries()),
    } as Answer;
  };

  return {
    t,
    app: t.app,
    server,
    // every route is exercised over a real socket, as clients reach it
    call: overSocket,
    fetch: overSocket,
    async tenant(name = 'Shop') {
      const created = await createTenant(t.app, name);
      return { id: created.tenant.id, apiToken: created.apiToken };
    },
    async close() {
      await server.close();
      await t.close();
    },
  };
}

/** The error body every refusal has. */
export function expectErrorBody(answer: Answer, status: number, code: string): void {
  if (answer.status !== status || answer.body?.error?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  if (typeof answer.body.error.message !== 'string' || typeof answer.body.error.requestId !== 'string') {
    throw new Error(`error body without message or request id: ${JSON.stringify(answer.body)}`);
  }
}

/**
 * A customer of the master bot (Telegram id `telegramId`) signing up for reseller plan `planId`
 * with a new bot `username` (id `botId`): the signup as opened, not paid yet.
 */
export async function openResellerSignup(
  master: TenantServices,
  planId: number,
  telegramId: number,
  bot: { id: number; username: string },
) {
  const { customer } = await master.customers.register({ telegramId }, 'en');
  const opened = await master.resellers.signups.open({
    customerId: customer.id,
    planId,
    token: fakeBotToken(bot.id),
    bot: { ...bot, firstName: bot.username },
  });
  if (opened.status !== 'opened') throw new Error(opened.status);
  return { customer, signup: opened.signup };
}
