import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App, TenantServices } from '../../app.js';
import type { Tenant } from '../../modules/tenants/tenant-registry.js';
import type { BotId } from '../../shared/ids.js';
import { findUnstorableInput } from '../../shared/input-safety.js';
import { type Authenticator, type Principal, requireOperator, resolveBot } from './auth.js';
import { API_ERROR_STATUS, type ApiErrorCode, errorBody, invalidInput, unstorableInput } from './errors.js';

/** What every route group receives: the business core and the caller resolution. */
export interface ApiContext {
  readonly app: App;
  readonly auth: Authenticator;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ResponseSpec {
  readonly description: string;
  /** Omitted: no body (204). */
  readonly schema?: z.ZodType;
}

interface RouteSpec<P, Q, B, H> {
  readonly method: Method;
  /** Relative to /api/v1, Fastify syntax: /bots/:id/plans/:planId */
  readonly url: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  /** Tenant tokens get 403 (checked before anything about the bot, so it reveals nothing). */
  readonly operatorOnly?: boolean;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Request headers the route reads besides the token (lower-case names), e.g. idempotency-key. */
  readonly headers?: H;
  /** Success answers; the error answers of the route are added to the documentation automatically. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

export interface Call<P, Q, B, H> {
  readonly principal: Principal;
  readonly params: Out<P>;
  readonly query: Out<Q>;
  readonly body: Out<B>;
  readonly headers: Out<H>;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface BotCall<P, Q, B, H> extends Call<P, Q, B, H> {
  /** The bot of `:id`, already checked against the caller. */
  readonly bot: Tenant;
  /** Its services: the only door to its data. */
  readonly services: TenantServices;
}

/** `:id` of every /bots/:id route. */
export const botIdParams = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(Number.MAX_SAFE_INTEGER)
    .transform((value) => value as BotId),
});

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;

const parse = <S extends z.ZodType | undefined>(
  where: string,
  schema: S | undefined,
  value: unknown,
): Out<S> => {
  if (schema === undefined) return undefined as Out<S>;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInput(where, parsed.error);
  // Here, once for every route: what reaches a handler is storable, so no route can forget it and
  // answer 500 when PostgreSQL refuses a NUL, or overflow the stack on absurd nesting.
  const problems = findUnstorableInput(parsed.data);
  if (problems.length > 0) throw unstorableInput(where, problems);
  return parsed.data as Out<S>;
};

const ERROR_DESCRIPTIONS: Partial<Record<ApiErrorCode, string>> = {
  invalid_request:
    'Invalid parameters, query or body (text with a NUL character or an unpaired UTF-16 surrogate ' +
    'included); `fields` names each problem',
  unauthorized: 'Missing or unknown API token',
  forbidden: 'The operation is reserved to the operator token',
  not_found: 'No such bot for this token (another tenant’s bot answers the same), or no such item',
  rate_limited: 'Too many requests for this token; see Retry-After',
  payload_too_large: 'The body is over the size limit (1 MiB)',
};

/** Schemas are for the documentation only: input is parsed with zod in the handler. */
export function useZodForValidation(instance: FastifyInstance): void {
  instance.setValidatorCompiler(() => () => true);
  instance.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

/**
 * Registers routes described once with zod: the same schemas parse the request and produce the
 * OpenAPI document. Order of checks: token (hook, 401) → operator-only (403) → params (400) → the
 * bot of `:id` against the token (404) → query, body and headers (400) → handler.
 */
export function createRouter(instance: FastifyInstance, { app, auth }: ApiContext) {
  const register = <
    P extends z.ZodType | undefined,
    Q extends z.ZodType | undefined,
    B extends z.ZodType | undefined,
    H extends z.ZodType | undefined,
  >(
    spec: RouteSpec<P, Q, B, H>,
    scoped: boolean,
    handle: (
      principal: Principal,
      params: Out<P>,
      request: FastifyRequest,
      reply: FastifyReply,
    ) => Promise<unknown>,
  ) => {
    const response: Record<string, unknown> = {};
    for (const [status, answer] of Object.entries(spec.responses)) {
      response[status] = answer.schema
        ? { description: answer.description, ...jsonSchema(answer.schema, 'output') }
        : { description: answer.description, type: 'null' };
    }
    const errors: ApiErrorCode[] = ['invalid_request', 'unauthorized', 'rate_limited'];
    if (spec.operatorOnly) errors.push('forbidden');
    if (scoped) errors.push('not_found');
    if (spec.body) errors.push('payload_too_large');
    for (const code of errors) {
      response[String(API_ERROR_STATUS[code])] ??= {
        description: ERROR_DESCRIPTIONS[code],
        ...jsonSchema(errorBody, 'output'),
      };
    }
    instance.route({
      method: spec.method,
      url: spec.url,
      schema: {
        tags: [spec.tag],
        summary: spec.summary,
        ...(spec.description ? { description: spec.description } : {}),
        ...(spec.params ? { params: jsonSchema(spec.params, 'input') } : {}),
        ...(spec.query ? { querystring: jsonSchema(spec.query, 'input') } : {}),
        ...(spec.body ? { body: jsonSchema(spec.body, 'input') } : {}),
        ...(spec.headers ? { headers: jsonSchema(spec.headers, 'input') } : {}),
        response,
      },
      handler: async (request, reply) => {
        const principal = auth.principal(request);
        if (spec.operatorOnly) requireOperator(principal);
        const params = parse<P>('params', spec.params, request.params);
        return handle(principal, params, request, reply);
      },
    });
  };

  return {
    /** A route that is not about one bot (listing or creating bots, who am I). */
    route<
      P extends z.ZodType | undefined = undefined,
      Q extends z.ZodType | undefined = undefined,
      B extends z.ZodType | undefined = undefined,
      H extends z.ZodType | undefined = undefined,
    >(spec: RouteSpec<P, Q, B, H>, handler: (call: Call<P, Q, B, H>) => Promise<unknown>): void {
      register(spec, false, async (principal, params, request, reply) =>
        handler({
          principal,
          params,
          query: parse<Q>('query', spec.query, request.query),
          body: parse<B>('body', spec.body, request.body),
          headers: parse<H>('headers', spec.headers, request.headers),
          request,
          reply,
        }),
      );
    },
    /** A route under /bots/:id: the bot is resolved against the token before anything else is read. */
    botRoute<
      P extends z.ZodType<{ id: BotId }> = typeof botIdParams,
      Q extends z.ZodType | undefined = undefined,
      B extends z.ZodType | undefined = undefined,
      H extends z.ZodType | undefined = undefined,
    >(spec: RouteSpec<P, Q, B, H>, handler: (call: BotCall<P, Q, B, H>) => Promise<unknown>): void {
      const withParams = { ...spec, params: spec.params ?? (botIdParams as unknown as P) };
      register(withParams, true, async (principal, params, request, reply) => {
        const bot = await resolveBot(app, principal, (params as { id: BotId }).id);
        return handler({
          principal,
          params,
          query: parse<Q>('query', spec.query, request.query),
          body: parse<B>('body', spec.body, request.body),
          headers: parse<H>('headers', spec.headers, request.headers),
          request,
          reply,
          bot,
          services: app.forTenant(bot.id),
        });
      });
    },
  };
}

export type Router = ReturnType<typeof createRouter>;
