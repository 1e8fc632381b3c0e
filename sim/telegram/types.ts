import type {
  Chat,
  Document,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  PhotoSize,
  User,
  WebhookInfo,
} from 'grammy/types';
import type { RateLimitOptions, RateLimitStats } from './rate-limits.js';
import type { MemberStatus } from './wire.js';

export type { RateLimitOptions, RateLimitStats } from './rate-limits.js';
export type { MemberStatus } from './wire.js';

/** A bot, chat or user can be named by its numeric id or by any object carrying that id. */
export type BotRef = number | { readonly id: number };
export type ChatRef = number | { readonly id: number };
export type UserRef = number | { readonly id: number };

export interface TelegramSimOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** First webhook retry delay; doubles on every failed attempt. Default 50 ms. */
  webhookRetryBaseMs?: number;
  /** Cap for the webhook retry delay. Default 1000 ms. */
  webhookRetryMaxMs?: number;
  /** A webhook request taking longer counts as failed and is retried. Default 10 000 ms. */
  webhookTimeoutMs?: number;
  /** Keep a log of API calls (default true). Disable for benchmarks; waiters still see live calls. */
  recordCalls?: boolean;
  /** Oldest calls are dropped beyond this many. Default 10 000. */
  maxLoggedCalls?: number;
  /** Oldest messages of a chat are forgotten beyond this many. Default 1000. */
  maxMessagesPerChat?: number;
  /** How long `user.pay()` waits for answerPreCheckoutQuery. Default 10 000 ms (Telegram's limit). */
  preCheckoutTimeoutMs?: number;
  /**
   * Telegram's flood limits (off by default): sends over `perBotPerSecond` (and `perChatPerSecond`)
   * in any one second are refused with 429 and `parameters.retry_after`.
   */
  rateLimit?: RateLimitOptions;
}

export interface AddBotOptions {
  /** Full token `<id>:<secret>`; the bot id is taken from it. Generated when omitted. */
  token?: string;
  /** Used only when no token is given. */
  id?: number;
  username?: string;
  firstName?: string;
}

export interface SimBot {
  readonly id: number;
  readonly token: string;
  readonly username: string;
  readonly firstName: string;
}

export interface SimButton {
  readonly text: string;
  readonly row: number;
  readonly column: number;
  readonly callbackData?: string;
  readonly url?: string;
}

/** A message as the chat shows it right now (after edits), detached from the simulator's state. */
export interface SimMessage {
  readonly messageId: number;
  readonly chatId: number;
  readonly threadId?: number;
  /** True when the bot sent it; false for messages of simulated users. */
  readonly fromBot: boolean;
  /** Bot id or user id of the sender. */
  readonly senderId: number;
  readonly date: number;
  readonly editDate?: number;
  readonly text?: string;
  readonly caption?: string;
  readonly entities?: MessageEntity[];
  /** Inline keyboard rows; empty when the message has none. */
  readonly buttons: SimButton[][];
  readonly replyMarkup?: InlineKeyboardMarkup;
  /** Reply keyboard / remove_keyboard / force_reply sent along with the message, if any. */
  readonly replyKeyboard?: Record<string, unknown>;
  readonly photo?: PhotoSize[];
  readonly document?: Document;
  readonly invoice?: {
    title: string;
    description: string;
    currency: string;
    totalAmount: number;
    payload: string;
  };
  readonly deleted: boolean;
  /** The message exactly as the Bot API would serialise it now. */
  readonly raw: Message;
}

export interface SimChatView {
  readonly chat: Chat | undefined;
  /** All remembered messages in id order, deleted ones included (flagged). */
  readonly messages: SimMessage[];
  /** Latest non-deleted message sent by the bot. */
  readonly lastBotMessage: SimMessage | undefined;
}

export type ApiResponseBody =
  | { ok: true; result: unknown; description?: string }
  | { ok: false; error_code: number; description: string; parameters?: { retry_after?: number } };

export interface CallRecord {
  /** Increasing sequence number; pass to `since` to see only later calls. */
  readonly seq: number;
  /** Epoch milliseconds when the call was received. */
  readonly at: number;
  readonly durationMs: number;
  /** Undefined when the token was not recognised. */
  readonly botId: number | undefined;
  readonly method: string;
  /** Parameters after decoding (JSON-in-string fields parsed, uploads replaced by a summary). */
  readonly params: Record<string, unknown>;
  readonly status: number;
  readonly ok: boolean;
  /** Undefined when the connection was dropped by a `network` fault. */
  readonly response: ApiResponseBody | undefined;
  /** 'webhook-reply' for a method the bot put into its webhook response. */
  readonly source: 'http' | 'webhook-reply';
}

export interface CallFilter {
  botId?: BotRef;
  /** Case-insensitive, like the Bot API. */
  method?: string;
  chatId?: number | string;
  ok?: boolean;
  /** Only calls with `seq` greater than this (see `sim.mark()`). */
  since?: number;
  match?: (params: Record<string, unknown>, call: CallRecord) => boolean;
}

export interface WaitOptions {
  /** Default 2000 ms. */
  timeoutMs?: number;
}

export interface WaitForMessageOptions extends WaitOptions {
  /** Also consider messages of simulated users (default: only the bot's messages). */
  includeUserMessages?: boolean;
}

export interface CallbackAnswer {
  readonly callbackQueryId: string;
  readonly botId: number;
  readonly userId: number;
  readonly chatId: number | undefined;
  readonly messageId: number | undefined;
  readonly data: string | undefined;
  readonly text: string | undefined;
  readonly showAlert: boolean;
  readonly url: string | undefined;
  readonly at: number;
}

export interface StarCharge {
  readonly chargeId: string;
  readonly botId: number;
  readonly userId: number;
  readonly currency: string;
  readonly amount: number;
  readonly payload: string;
  readonly refunded: boolean;
  readonly paidAt: number;
}

interface FaultScope {
  botId?: BotRef;
  /**
   * Method name(s), case-insensitive. When omitted the fault hits every method except getUpdates,
   * so a fault on a bot's sends does not also stall its polling loop; name getUpdates to fault it.
   */
  method?: string | readonly string[];
  /** Only calls whose chat_id equals this. */
  chatId?: number | string;
  /** Number of matching calls to fail; unlimited until cleared when omitted. */
  times?: number;
}

export type FaultSpec = FaultScope &
  (
    | { kind: 'rate-limit'; retryAfter?: number }
    | { kind: 'blocked' }
    | { kind: 'unauthorized' }
    | { kind: 'server-error'; status?: 500 | 502 | 503 | 504; html?: boolean }
    | { kind: 'delay'; ms: number }
    | { kind: 'network' }
    | { kind: 'error'; errorCode: number; description: string; retryAfter?: number }
  );

export interface FaultHandle {
  readonly id: number;
  /** Matching calls left before the fault expires (Infinity when unlimited). */
  readonly remaining: number;
  clear(): void;
}

export interface SentUpdate {
  readonly updateId: number;
  readonly chatId: number;
  readonly messageId: number;
  readonly message: Message;
  /** False when the bot's allowed_updates filter dropped it, as Telegram would. */
  readonly queued: boolean;
}

export interface ButtonPress {
  readonly updateId: number;
  readonly callbackQueryId: string;
  readonly chatId: number;
  readonly messageId: number;
  readonly data: string;
  readonly queued: boolean;
}

export interface Payment {
  readonly preCheckoutQueryId: string;
  readonly preCheckoutUpdateId: number;
  /** Update carrying the successful_payment message. */
  readonly updateId: number;
  readonly messageId: number;
  readonly chargeId: string;
  readonly currency: string;
  readonly amount: number;
  readonly payload: string;
}

export interface UserMessageOptions {
  /** A group/supergroup the user writes in; defaults to the private chat with the bot. */
  chat?: ChatRef;
  /** Forum topic (message_thread_id) inside `chat`. */
  threadId?: number;
  /** Message id in the same chat to reply to. */
  replyTo?: number;
}

/** Who wrote a forwarded message: a user (a simulated one or its info), or a hidden account's name. */
export type ForwardOrigin = SimUser | User | { readonly hiddenName: string };

export interface PhotoOptions extends UserMessageOptions {
  caption?: string;
  /** Image bytes; PNG/JPEG dimensions are read from them. Random placeholder bytes by default. */
  bytes?: Uint8Array;
  /** Re-send a file Telegram already knows (same file_unique_id, new file_id for this bot). */
  fileUniqueId?: string;
}

export interface DocumentOptions extends UserMessageOptions {
  caption?: string;
  bytes?: Uint8Array;
  fileName?: string;
  mimeType?: string;
  fileUniqueId?: string;
}

export interface PressTarget {
  /** Message to press on; by default the latest bot message having a matching button. */
  messageId?: number;
  /** Matches a callback button's text or callback_data: exactly for a string, `test()` for a RegExp. */
  button?: string | RegExp;
  chat?: ChatRef;
}

export interface PayOptions {
  /** Invoice message; by default the latest invoice the bot sent in the chat. */
  messageId?: number;
  /** Pay an invoice link from createInvoiceLink instead of a message. */
  invoiceLink?: string;
  chat?: ChatRef;
  /** Default: the simulator's preCheckoutTimeoutMs (10 s). */
  timeoutMs?: number;
}

export interface SimUser {
  readonly id: number;
  readonly firstName: string;
  readonly username: string | undefined;
  readonly languageCode: string | undefined;
  readonly info: User;
  sendText(bot: BotRef, text: string, opts?: UserMessageOptions): SentUpdate;
  /**
   * A text message forwarded by this user from `origin`: another user (its `forward_origin` names
   * them) or, with `{ hiddenName }`, someone who hides their account in forwarded messages.
   */
  forwardText(bot: BotRef, origin: ForwardOrigin, text: string, opts?: UserMessageOptions): SentUpdate;
  /** `/command payload`, with a bot_command entity (and `@botname` in groups). */
  sendCommand(bot: BotRef, command: string, payload?: string, opts?: UserMessageOptions): SentUpdate;
  /** `/start [payload]`: the first thing a real user does. */
  start(bot: BotRef, payload?: string): SentUpdate;
  sendPhoto(bot: BotRef, opts?: PhotoOptions): SentUpdate;
  sendDocument(bot: BotRef, opts?: DocumentOptions): SentUpdate;
  /** Press an inline callback button; a string/RegExp is shorthand for `{ button }`. */
  pressButton(bot: BotRef, target?: string | RegExp | PressTarget): ButtonPress;
  /**
   * Pay a Stars (or other) invoice: pre_checkout_query, wait for an ok answer, then the
   * successful_payment message. Rejects with SimPaymentError when declined, unanswered or undeliverable.
   */
  pay(bot: BotRef, opts?: PayOptions): Promise<Payment>;
  blockBot(bot: BotRef): void;
  unblockBot(bot: BotRef): void;
}

export interface GroupOptions {
  id?: number;
  title?: string;
  /** Default 'supergroup'. */
  type?: 'group' | 'supergroup' | 'channel';
  /** Forum supergroup with topics. */
  isForum?: boolean;
  username?: string;
}

export interface SimGroup {
  readonly id: number;
  readonly title: string;
  readonly type: 'group' | 'supergroup' | 'channel';
  readonly isForum: boolean;
  readonly info: Chat;
  /** Adds the bot (administrator by default); the bot gets a my_chat_member update. */
  addBot(bot: BotRef, status?: 'member' | 'administrator'): void;
  removeBot(bot: BotRef): void;
  setMember(user: UserRef, status: MemberStatus): void;
  /** Creates a forum topic and returns its message_thread_id. */
  createTopic(name: string): number;
}

export interface TelegramSim {
  /** e.g. `http://127.0.0.1:PORT`, no trailing slash: pass as grammY `client.apiRoot`. */
  readonly apiRoot: string;
  readonly port: number;

  addBot(opts?: AddBotOptions): SimBot;
  getBot(ref: BotRef | string): SimBot | undefined;
  /** Every later call with this token gets 401 Unauthorized. */
  revokeToken(token: string): void;
  /** Revokes the bot's current token and returns a new one (like /revoke in BotFather). */
  reissueToken(bot: BotRef): string;

  user(opts?: {
    id?: number;
    firstName?: string;
    lastName?: string;
    username?: string;
    languageCode?: string;
  }): SimUser;
  group(opts?: GroupOptions): SimGroup;
  setChatMember(chat: ChatRef, user: UserRef, status: MemberStatus): void;
  /**
   * Upgrades a basic group to a supergroup with a new id and the same members; later calls naming
   * the old id answer 400 "group chat was upgraded to a supergroup chat" with `migrate_to_chat_id`.
   */
  upgradeToSupergroup(group: ChatRef): SimGroup;
  blockBot(bot: BotRef, user: UserRef): void;
  unblockBot(bot: BotRef, user: UserRef): void;

  /** Queue any update (escape hatch); returns its update_id. */
  enqueueUpdate(bot: BotRef, update: Record<string, unknown>): number;
  /** Deliver an update once more after it is acknowledged (or again, if already acknowledged). */
  redeliver(bot: BotRef, updateId: number): boolean;
  /** Make later update ids jump ahead, as Telegram does after a quiet week. */
  jumpUpdateIds(bot: BotRef, by: number): void;
  pendingUpdateCount(bot: BotRef): number;
  /**
   * getUpdates calls of the bot ended by another getUpdates (409 "terminated by other getUpdates
   * request"): how often two pollers overlapped, as Telegram answers them.
   */
  pollConflicts(bot: BotRef): number;
  webhookInfo(bot: BotRef): WebhookInfo;

  chat(bot: BotRef, chat: ChatRef): SimChatView;
  message(bot: BotRef, chat: ChatRef, messageId: number): SimMessage | undefined;
  /** Bytes and metadata of a file by file_id or file_unique_id. */
  file(
    id: string,
  ): { bytes: Uint8Array; fileName?: string; mimeType?: string; fileUniqueId: string } | undefined;

  calls(filter?: CallFilter): CallRecord[];
  /** Sequence number of the latest call; use as `since` to wait only for later calls. */
  mark(): number;
  clearLog(): void;
  waitForCall(filter: CallFilter & WaitOptions): Promise<CallRecord>;
  /** Resolves with the latest matching message as the chat shows it now, waiting for changes if needed. */
  waitForMessage(
    bot: BotRef,
    chat: ChatRef,
    predicate?: (message: SimMessage) => boolean,
    opts?: WaitForMessageOptions,
  ): Promise<SimMessage>;
  callbackAnswers(bot?: BotRef): CallbackAnswer[];
  waitForCallbackAnswer(callbackQueryId: string, opts?: WaitOptions): Promise<CallbackAnswer>;
  charges(bot?: BotRef): StarCharge[];

  /** Sends the rate limiter let through and refused (zeros when `rateLimit` is off). */
  rateLimitStats(): RateLimitStats;
  fault(spec: FaultSpec): FaultHandle;
  clearFaults(bot?: BotRef): void;

  /** Closes every socket (long polls included) and stops webhook delivery. */
  close(): Promise<void>;
}
