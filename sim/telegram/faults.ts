// Faults injected on demand: errors, slow responses and dropped connections, scoped by bot, method
// and chat, for a number of calls or until cleared.
import { ApiError, botBlocked, tooManyRequests, unauthorized } from './api-error.js';
import type { FaultHandle, FaultSpec } from './types.js';
import { refId } from './util.js';

export interface FaultOutcome {
  delayMs: number;
  /** 'network' drops the connection without a response. */
  failure: ApiError | 'network' | { status: number; html: string } | undefined;
}

interface ActiveFault {
  readonly id: number;
  readonly spec: FaultSpec;
  readonly botId: number | undefined;
  readonly methods: ReadonlySet<string> | undefined;
  remaining: number;
}

const SERVER_ERRORS: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export class FaultRegistry {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): FaultHandle {
    if (spec.times !== undefined && (!Number.isInteger(spec.times) || spec.times < 1)) {
      throw new Error('telegram sim: fault times must be a positive integer');
    }
    const methods =
      spec.method === undefined ? undefined : typeof spec.method === 'string' ? [spec.method] : spec.method;
    const fault: ActiveFault = {
      id: this.nextId++,
      spec,
      botId: spec.botId === undefined ? undefined : refId(spec.botId),
      methods: methods ? new Set(methods.map((m) => m.toLowerCase())) : undefined,
      remaining: spec.times ?? Number.POSITIVE_INFINITY,
    };
    this.faults.push(fault);
    const registry = this;
    return {
      id: fault.id,
      get remaining() {
        return fault.remaining;
      },
      clear() {
        registry.remove(fault);
      },
    };
  }

  clear(botId?: number): void {
    this.faults = botId === undefined ? [] : this.faults.filter((fault) => fault.botId !== botId);
  }

  /** Consumes every matching fault: delays add up, the first failing fault decides the error. */
  take(botId: number, method: string, chatId: unknown): FaultOutcome | undefined {
    if (this.faults.length === 0) return undefined;
    const lower = method.toLowerCase();
    let outcome: FaultOutcome | undefined;
    for (const fault of [...this.faults]) {
      if (!this.matches(fault, botId, lower, chatId)) continue;
      outcome ??= { delayMs: 0, failure: undefined };
      const { spec } = fault;
      if (spec.kind === 'delay') outcome.delayMs += spec.ms;
      else if (outcome.failure === undefined) outcome.failure = toFailure(spec);
      else continue;
      fault.remaining--;
      if (fault.remaining <= 0) this.remove(fault);
    }
    return outcome;
  }

  private matches(fault: ActiveFault, botId: number, method: string, chatId: unknown): boolean {
    if (fault.botId !== undefined && fault.botId !== botId) return false;
    if (fault.methods ? !fault.methods.has(method) : method === 'getupdates') return false;
    if (fault.spec.chatId !== undefined && String(chatId) !== String(fault.spec.chatId)) return false;
    return true;
  }

  private remove(fault: ActiveFault): void {
    this.faults = this.faults.filter((other) => other !== fault);
  }
}

function toFailure(spec: FaultSpec): FaultOutcome['failure'] {
  switch (spec.kind) {
    case 'rate-limit':
      return tooManyRequests(spec.retryAfter ?? 1);
    case 'blocked':
      return botBlocked();
    case 'unauthorized':
      return unauthorized();
    case 'server-error': {
      const status = spec.status ?? 500;
      const text = SERVER_ERRORS[status] ?? 'Internal Server Error';
      // Telegram's front end answers 502/504 with an nginx HTML page, not with JSON.
      if (spec.html) return { status, html: `<html><head><title>${status} ${text}</title></head></html>` };
      return new ApiError(status, text);
    }
    case 'network':
      return 'network';
    case 'error':
      return new ApiError(
        spec.errorCode,
        spec.description,
        spec.retryAfter === undefined ? undefined : { retry_after: spec.retryAfter },
      );
    case 'delay':
      return undefined;
  }
}
