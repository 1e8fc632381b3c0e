import type { MethodHandler } from './method-context.js';
import { chatMethods } from './methods-chats.js';
import { coreMethods } from './methods-core.js';
import { messageMethods } from './methods-messages.js';
import { paymentMethods } from './methods-payments.js';

/** Bot API method names are case-insensitive, so the table is keyed by lower-case name. */
export const METHODS: ReadonlyMap<string, MethodHandler> = new Map(
  Object.entries({ ...coreMethods, ...messageMethods, ...chatMethods, ...paymentMethods }).map(
    ([name, handler]) => [name.toLowerCase(), handler] as const,
  ),
);
