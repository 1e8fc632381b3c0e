import type { BotRuntime } from './bot-runtime.js';
import type { Params, Upload } from './params.js';
import type { World } from './state.js';

export interface MethodContext {
  readonly world: World;
  readonly bot: BotRuntime;
  readonly params: Params;
  readonly uploads: ReadonlyMap<string, Upload>;
  /** Aborted when the client goes away; long polls use it to release the waiting request. */
  readonly signal: AbortSignal;
}

export type MethodHandler = (ctx: MethodContext) => unknown;

/** A successful result that also carries Telegram's `description` (e.g. "Webhook was set"). */
export class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}
