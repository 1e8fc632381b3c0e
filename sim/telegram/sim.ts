// Assembles the simulator and exposes the typed test API (`TelegramSim`).

import { setMaxListeners } from 'node:events';
import { Agent as HttpAgent, type Server } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Chat, WebhookInfo } from 'grammy/types';
import { CallLog, describeFilter, matchesCall } from './call-log.js';
import { Dispatcher } from './dispatcher.js';
import { FaultRegistry } from './faults.js';
import { webhookInfo } from './methods-core.js';
import { decodeJsonFields } from './params.js';
import { RateLimiter, type RateLimitStats } from './rate-limits.js';
import { createSimServer } from './server.js';
import { type Conversation, World } from './state.js';
import type {
  AddBotOptions,
  BotRef,
  CallbackAnswer,
  CallFilter,
  CallRecord,
  ChatRef,
  FaultHandle,
  FaultSpec,
  MemberStatus,
  SimBot,
  SimChatView,
  SimGroup,
  SimMessage,
  SimUser,
  StarCharge,
  TelegramSim,
  TelegramSimOptions,
  UserRef,
  WaitForMessageOptions,
  WaitOptions,
} from './types.js';
import { SimGroupImpl, SimUserImpl } from './users.js';
import { refId, waitUntil } from './util.js';
import { chatView, toSimMessage } from './views.js';

const DEFAULT_WAIT_MS = 2000;

export async function startTelegramSim(opts: TelegramSimOptions = {}): Promise<TelegramSim> {
  const sim = new TelegramSimImpl(opts);
  await sim.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  return sim;
}

function withoutListenerCap(controller: AbortController): AbortController {
  setMaxListeners(0, controller.signal);
  return controller;
}

class TelegramSimImpl implements TelegramSim {
  private readonly agents = {
    http: new HttpAgent({ keepAlive: true }),
    https: new HttpsAgent({ keepAlive: true }),
  };
  /** Every wait (one per customer waiting for a reply in a load) listens to it: no listener cap. */
  private readonly closing = withoutListenerCap(new AbortController());
  private readonly world: World;
  private readonly log: CallLog;
  private readonly faults = new FaultRegistry();
  private readonly limiter: RateLimiter | undefined;
  private readonly dispatcher: Dispatcher;
  private readonly server: Server;
  private root = '';
  private boundPort = 0;
  private closed: Promise<void> | undefined;

  constructor(opts: TelegramSimOptions) {
    const timing = {
      retryBaseMs: opts.webhookRetryBaseMs ?? 50,
      retryMaxMs: opts.webhookRetryMaxMs ?? 1000,
      timeoutMs: opts.webhookTimeoutMs ?? 10_000,
    };
    this.world = new World(
      {
        maxMessagesPerChat: opts.maxMessagesPerChat ?? 1000,
        preCheckoutTimeoutMs: opts.preCheckoutTimeoutMs ?? 10_000,
      },
      (botId) => ({
        timing,
        agents: this.agents,
        onReply: (method, params) => this.webhookReply(botId, method, params),
      }),
    );
    this.log = new CallLog(opts.recordCalls ?? true, opts.maxLoggedCalls ?? 10_000);
    this.limiter = opts.rateLimit ? new RateLimiter(opts.rateLimit) : undefined;
    this.dispatcher = new Dispatcher(this.world, this.faults, this.log, this.limiter);
    this.server = createSimServer(this.world, this.dispatcher);
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      // A fleet opening a thousand connections at once overflows the default backlog (511); dropped
      // SYNs are retried by the kernel after a full second, which would look like a slow simulator.
      this.server.listen({ port, host, backlog: 4096 }, () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        this.boundPort = address.port;
        const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
        this.root = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${address.port}`;
        resolve();
      });
    });
  }

  get apiRoot(): string {
    return this.root;
  }

  get port(): number {
    return this.boundPort;
  }

  // ------------------------------------------------------------------------------------------ bots

  addBot(opts: AddBotOptions = {}): SimBot {
    return snapshotBot(this.world.addBot(opts));
  }

  getBot(ref: BotRef | string): SimBot | undefined {
    const bot = typeof ref === 'string' ? this.world.botByToken(ref) : this.world.bots.get(refId(ref));
    return bot ? snapshotBot(bot) : undefined;
  }

  revokeToken(token: string): void {
    this.world.revokeToken(token);
  }

  reissueToken(bot: BotRef): string {
    return this.world.reissueToken(this.world.requireBot(refId(bot)));
  }

  // ------------------------------------------------------------------------------- users and chats

  user(
    opts: {
      id?: number;
      firstName?: string;
      lastName?: string;
      username?: string;
      languageCode?: string;
    } = {},
  ): SimUser {
    const existing = opts.id === undefined ? undefined : this.world.users.get(opts.id);
    const wire = existing ?? this.world.addUser(opts);
    return new SimUserImpl({ world: this.world, closing: this.closing.signal }, wire);
  }

  group(opts: Parameters<TelegramSim['group']>[0] = {}): SimGroup {
    const record = this.world.addGroup(opts);
    const owner = this.world.addUser({ firstName: 'Owner', lastName: record.title });
    record.members.set(owner.id, 'creator');
    return new SimGroupImpl(this.world, record, owner);
  }

  setChatMember(chat: ChatRef, user: UserRef, status: MemberStatus): void {
    this.world.setMember(this.world.requireGroup(refId(chat)), refId(user), status);
  }

  upgradeToSupergroup(group: ChatRef): SimGroup {
    const old = this.world.requireGroup(refId(group));
    const upgraded = this.world.upgradeGroup(old);
    const owner = [...upgraded.members].find(([, status]) => status === 'creator')?.[0];
    const ownerUser = owner === undefined ? undefined : this.world.users.get(owner);
    return new SimGroupImpl(this.world, upgraded, ownerUser ?? this.world.addUser({ firstName: 'Owner' }));
  }

  blockBot(bot: BotRef, user: UserRef): void {
    this.world.setBlocked(this.world.requireBot(refId(bot)), refId(user), true);
  }

  unblockBot(bot: BotRef, user: UserRef): void {
    this.world.setBlocked(this.world.requireBot(refId(bot)), refId(user), false);
  }

  // --------------------------------------------------------------------------------------- updates

  enqueueUpdate(bot: BotRef, update: Record<string, unknown>): number {
    const { update_id: _ignored, ...body } = update;
    return this.world.requireBot(refId(bot)).enqueue(body).updateId;
  }

  redeliver(bot: BotRef, updateId: number): boolean {
    return this.world.requireBot(refId(bot)).redeliver(updateId);
  }

  jumpUpdateIds(bot: BotRef, by: number): void {
    this.world.requireBot(refId(bot)).queue.jump(by);
  }

  pendingUpdateCount(bot: BotRef): number {
    return this.world.requireBot(refId(bot)).queue.size;
  }

  pollConflicts(bot: BotRef): number {
    return this.world.requireBot(refId(bot)).queue.conflicts;
  }

  webhookInfo(bot: BotRef): WebhookInfo {
    return webhookInfo(this.world.requireBot(refId(bot)));
  }

  // ----------------------------------------------------------------------------------- inspection

  chat(bot: BotRef, chat: ChatRef): SimChatView {
    const runtime = this.world.requireBot(refId(bot));
    const chatId = refId(chat);
    return chatView(this.world.findConversation(runtime, chatId), this.fallbackChat(chatId), runtime.id);
  }

  message(bot: BotRef, chat: ChatRef, messageId: number): SimMessage | undefined {
    const conversation = this.world.findConversation(this.world.requireBot(refId(bot)), refId(chat));
    const stored = conversation?.messages.get(messageId);
    return stored ? toSimMessage(stored) : undefined;
  }

  file(id: string): ReturnType<TelegramSim['file']> {
    const content = this.world.files.ref(id)?.content ?? this.world.files.content(id);
    if (!content) return undefined;
    const out: NonNullable<ReturnType<TelegramSim['file']>> = {
      bytes: new Uint8Array(content.bytes),
      fileUniqueId: content.uniqueId,
    };
    if (content.fileName !== undefined) out.fileName = content.fileName;
    if (content.mimeType !== undefined) out.mimeType = content.mimeType;
    return out;
  }

  calls(filter?: CallFilter): CallRecord[] {
    return this.log.list(filter);
  }

  mark(): number {
    return this.log.lastSeq;
  }

  clearLog(): void {
    this.log.clear();
  }

  waitForCall(filter: CallFilter & WaitOptions): Promise<CallRecord> {
    let found = this.log.list(filter)[0];
    const botId = filter.botId === undefined ? undefined : refId(filter.botId);
    return waitUntil({
      probe: () => found,
      subscribe: (wake) =>
        this.log.onAppended(botId, (record) => {
          if (found === undefined && matchesCall(record, filter)) {
            found = record;
            wake();
          }
        }),
      timeoutMs: filter.timeoutMs ?? DEFAULT_WAIT_MS,
      signal: this.closing.signal,
      describe: () =>
        `waitForCall(${describeFilter(filter)})\nRecent calls:\n${this.log.describeRecent(15, botId)}`,
    });
  }

  waitForMessage(
    bot: BotRef,
    chat: ChatRef,
    predicate: (message: SimMessage) => boolean = () => true,
    opts: WaitForMessageOptions = {},
  ): Promise<SimMessage> {
    const runtime = this.world.requireBot(refId(bot));
    const chatId = refId(chat);
    const key = chatId > 0 ? `p:${runtime.id}:${chatId}` : `g:${chatId}`;
    const probe = (): SimMessage | undefined => {
      const conversation = this.world.findConversation(runtime, chatId);
      if (!conversation) return undefined;
      for (const stored of [...conversation.messages.values()].reverse()) {
        if (stored.deleted) continue;
        if (!opts.includeUserMessages && stored.senderBotId !== runtime.id) continue;
        const message = toSimMessage(stored);
        if (predicate(message)) return message;
      }
      return undefined;
    };
    return waitUntil({
      probe,
      subscribe: (wake) =>
        this.world.chatChanged.on((conversation: Conversation) => conversation.key === key && wake()),
      timeoutMs: opts.timeoutMs ?? DEFAULT_WAIT_MS,
      signal: this.closing.signal,
      describe: () =>
        `waitForMessage(bot ${runtime.id}, chat ${chatId}) found no matching message.\n` +
        `Messages in the chat now:\n${this.describeMessages(runtime.id, chatId)}\n` +
        `Recent calls:\n${this.log.describeRecent(10, runtime.id)}`,
    });
  }

  callbackAnswers(bot?: BotRef): CallbackAnswer[] {
    const botId = bot === undefined ? undefined : refId(bot);
    const answers: CallbackAnswer[] = [];
    for (const query of this.world.callbackQueries.values()) {
      if (query.answer && (botId === undefined || query.botId === botId)) answers.push(query.answer);
    }
    return answers;
  }

  waitForCallbackAnswer(callbackQueryId: string, opts: WaitOptions = {}): Promise<CallbackAnswer> {
    const query = this.world.callbackQueries.get(callbackQueryId);
    return waitUntil({
      probe: () => this.world.callbackQueries.get(callbackQueryId)?.answer,
      subscribe: (wake) =>
        this.world.callbackAnswered.on((answer) => answer.callbackQueryId === callbackQueryId && wake()),
      timeoutMs: opts.timeoutMs ?? DEFAULT_WAIT_MS,
      signal: this.closing.signal,
      describe: () =>
        `callback query ${callbackQueryId} was not answered\nRecent calls:\n${this.log.describeRecent(10, query?.botId)}`,
    });
  }

  charges(bot?: BotRef): StarCharge[] {
    const botId = bot === undefined ? undefined : refId(bot);
    return [...this.world.charges.values()]
      .filter((charge) => botId === undefined || charge.botId === botId)
      .map((charge) => ({ ...charge }));
  }

  // ---------------------------------------------------------------------------------------- faults

  rateLimitStats(): RateLimitStats {
    return this.limiter?.stats() ?? { accepted: 0, limited: 0 };
  }

  fault(spec: FaultSpec): FaultHandle {
    return this.faults.add(spec);
  }

  clearFaults(bot?: BotRef): void {
    this.faults.clear(bot === undefined ? undefined : refId(bot));
  }

  // --------------------------------------------------------------------------------------- closing

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.closing.abort();
      for (const bot of this.world.bots.values()) bot.shutdown();
      this.agents.http.destroy();
      this.agents.https.destroy();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closed;
  }

  // -------------------------------------------------------------------------------------- private

  private webhookReply(botId: number, method: string, params: Record<string, unknown>): void {
    const bot = this.world.bots.get(botId);
    if (!bot || this.closing.signal.aborted) return;
    const decoded = { ...params };
    decodeJsonFields(decoded);
    void this.dispatcher.dispatch({
      token: bot.token,
      method,
      params: decoded,
      uploads: new Map(),
      signal: this.closing.signal,
      source: 'webhook-reply',
    });
  }

  private fallbackChat(chatId: number): Chat | undefined {
    const group = this.world.groups.get(chatId);
    if (group) return structuredClone(group.chat) as unknown as Chat;
    const user = this.world.users.get(chatId);
    if (!user) return undefined;
    const chat: Record<string, unknown> = { id: user.id, type: 'private', first_name: user.first_name };
    if (user.username !== undefined) chat.username = user.username;
    return chat as unknown as Chat;
  }

  private describeMessages(botId: number, chatId: number): string {
    const view = this.chat(botId, chatId);
    if (view.messages.length === 0) return '  (none)';
    return view.messages
      .slice(-10)
      .map((message) => {
        const who = message.fromBot ? `bot ${message.senderId}` : `user ${message.senderId}`;
        const body =
          message.text ??
          message.caption ??
          (message.photo ? '[photo]' : message.document ? '[document]' : '');
        const buttons = message.buttons
          .flat()
          .map((button) => `[${button.text}]`)
          .join(' ');
        return `  #${message.messageId} ${who}${message.deleted ? ' (deleted)' : ''}: ${JSON.stringify(body)} ${buttons}`;
      })
      .join('\n');
  }
}

function snapshotBot(bot: { id: number; token: string; username: string; firstName: string }): SimBot {
  return { id: bot.id, token: bot.token, username: bot.username, firstName: bot.firstName };
}
