// Runs one Bot API call: token check, faults, method handler, call log. Shared by the HTTP server
// and by webhook replies (methods a bot returns in its webhook response body).
import { ApiError, notFound, unauthorized } from './api-error.js';
import type { BotRuntime } from './bot-runtime.js';
import type { CallLog } from './call-log.js';
import type { FaultRegistry } from './faults.js';
import { Described } from './method-context.js';
import { METHODS } from './methods.js';
import type { Params, Upload } from './params.js';
import type { RateLimiter } from './rate-limits.js';
import { World } from './state.js';
import type { ApiResponseBody, CallRecord } from './types.js';
import { sleep } from './util.js';

export interface DispatchRequest {
  readonly token: string;
  readonly method: string;
  readonly params: Params;
  readonly uploads: ReadonlyMap<string, Upload>;
  readonly signal: AbortSignal;
  readonly source: CallRecord['source'];
}

export type DispatchResponse =
  | { readonly kind: 'json'; readonly status: number; readonly body: ApiResponseBody }
  | { readonly kind: 'raw'; readonly status: number; readonly contentType: string; readonly body: string }
  | { readonly kind: 'drop' };

export class Dispatcher {
  constructor(
    private readonly world: World,
    private readonly faults: FaultRegistry,
    private readonly log: CallLog,
    /** Telegram's flood limits, when the simulator was started with `rateLimit`. */
    private readonly limiter?: RateLimiter,
  ) {}

  async dispatch(request: DispatchRequest): Promise<DispatchResponse> {
    const started = Date.now();
    const bot = World.isTokenShaped(request.token) ? this.world.botByToken(request.token) : undefined;
    let response: DispatchResponse;
    try {
      response = await this.run(bot, request);
    } catch (error) {
      response = errorResponse(error, request.method);
    }
    if (this.log.wanted) this.record(request, bot, response, started);
    return response;
  }

  private async run(bot: BotRuntime | undefined, request: DispatchRequest): Promise<DispatchResponse> {
    // Telegram answers 404 to anything that is not even shaped like a token, 401 to a wrong one.
    if (!World.isTokenShaped(request.token)) throw notFound();
    if (!bot) throw unauthorized();
    const handler = METHODS.get(request.method.toLowerCase());
    if (!handler) {
      warnUnsimulated(request.method);
      throw notFound();
    }
    const fault = this.faults.take(bot.id, request.method, request.params.chat_id);
    if (fault) {
      if (fault.delayMs > 0) await sleep(fault.delayMs, request.signal);
      const failure = fault.failure;
      if (failure === 'network') return { kind: 'drop' };
      if (failure instanceof ApiError) throw failure;
      if (failure)
        return { kind: 'raw', status: failure.status, contentType: 'text/html', body: failure.html };
    }
    this.limiter?.check(bot.id, request.method, request.params);
    const result = await handler({
      world: this.world,
      bot,
      params: request.params,
      uploads: request.uploads,
      // A getter, so the request's (lazily created) signal is only built for handlers that wait.
      get signal() {
        return request.signal;
      },
    });
    if (result instanceof Described) {
      return {
        kind: 'json',
        status: 200,
        body: { ok: true, result: result.result, description: result.description },
      };
    }
    return { kind: 'json', status: 200, body: { ok: true, result } };
  }

  private record(
    request: DispatchRequest,
    bot: BotRuntime | undefined,
    response: DispatchResponse,
    started: number,
  ): void {
    const params: Params = { ...request.params };
    for (const [name, upload] of request.uploads) {
      const summary = { upload: upload.fileName, size: upload.bytes.length };
      const field = Object.keys(params).find((key) => params[key] === `attach://${name}`);
      params[field ?? name] = summary;
    }
    let body: ApiResponseBody | undefined;
    let status = 0;
    if (response.kind === 'json') {
      // Cloned: results reference live messages that later edits would change under the log.
      body = structuredClone(response.body);
      status = response.status;
    } else if (response.kind === 'raw') {
      body = { ok: false, error_code: response.status, description: response.body };
      status = response.status;
    }
    this.log.add({
      seq: this.log.nextSeq(),
      at: started,
      durationMs: Date.now() - started,
      botId: bot?.id,
      method: request.method,
      params,
      status,
      ok: body?.ok === true,
      response: body,
      source: request.source,
    });
  }
}

const warned = new Set<string>();

/** A real method the simulator lacks would otherwise look like a typo; say it once per name. */
function warnUnsimulated(method: string): void {
  if (warned.has(method) || warned.size > 100) return;
  warned.add(method);
  console.warn(
    `telegram sim: method "${method}" is not simulated; answered 404 Not Found like an unknown method`,
  );
}

function errorResponse(error: unknown, method: string): DispatchResponse {
  if (error instanceof ApiError) return { kind: 'json', status: error.code, body: error.toBody() };
  // A bug in the simulator, or input it does not understand: say so loudly instead of hanging.
  console.error(`telegram sim: ${method} crashed:`, error);
  const message = error instanceof Error ? error.message : String(error);
  return {
    kind: 'json',
    status: 500,
    body: { ok: false, error_code: 500, description: `Internal Server Error: ${message}` },
  };
}
