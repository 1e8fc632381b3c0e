// Simulated people and groups. Their actions produce updates shaped like the real ones (from, chat,
// date, entities, the pressed message...) and queue them for the bot.
import { randomBytes } from 'node:crypto';
import type { Chat, Message, MessageEntity, User } from 'grammy/types';
import type { BotRuntime } from './bot-runtime.js';
import { createTopic } from './methods-chats.js';
import type {
  Conversation,
  GroupRecord,
  InvoiceData,
  PreCheckoutRecord,
  StoredMessage,
  World,
} from './state.js';
import type {
  BotRef,
  ButtonPress,
  ChatRef,
  DocumentOptions,
  ForwardOrigin,
  MemberStatus,
  Payment,
  PayOptions,
  PhotoOptions,
  PressTarget,
  SentUpdate,
  SimGroup,
  SimUser,
  UserMessageOptions,
  UserRef,
} from './types.js';
import { randomToken, refId, waitUntil } from './util.js';
import type { WireMessage, WireUser } from './wire.js';

type Fields = Omit<WireMessage, 'message_id' | 'chat' | 'date'>;

export class SimPaymentError extends Error {
  constructor(
    readonly reason: 'declined' | 'timeout' | 'not-delivered',
    message: string,
    /** The bot's error_message when it declined. */
    readonly errorMessage?: string,
  ) {
    super(message);
    this.name = 'SimPaymentError';
  }
}

export interface UserEnv {
  readonly world: World;
  /** Aborted when the simulator closes. */
  readonly closing: AbortSignal;
}

export class SimUserImpl implements SimUser {
  constructor(
    private readonly env: UserEnv,
    private readonly wire: WireUser,
  ) {}

  get id(): number {
    return this.wire.id;
  }
  get firstName(): string {
    return this.wire.first_name;
  }
  get username(): string | undefined {
    return this.wire.username;
  }
  get languageCode(): string | undefined {
    return this.wire.language_code;
  }
  get info(): User {
    return structuredClone(this.wire) as User;
  }

  sendText(bot: BotRef, text: string, opts: UserMessageOptions = {}): SentUpdate {
    if (text === '') throw new Error('telegram sim: a user cannot send an empty message');
    return this.post(bot, opts, { text, ...autoEntities(text) });
  }

  forwardText(bot: BotRef, origin: ForwardOrigin, text: string, opts: UserMessageOptions = {}): SentUpdate {
    if (text === '') throw new Error('telegram sim: a user cannot forward an empty message');
    const date = Math.floor(Date.now() / 1000) - 60;
    // as Telegram (Bot API 7+) describes it: the author, unless they hide their account in forwards
    const forward_origin =
      'hiddenName' in origin
        ? { type: 'hidden_user', date, sender_user_name: origin.hiddenName }
        : { type: 'user', date, sender_user: 'info' in origin ? origin.info : origin };
    return this.post(bot, opts, { text, forward_origin, ...autoEntities(text) });
  }

  sendCommand(bot: BotRef, command: string, payload?: string, opts: UserMessageOptions = {}): SentUpdate {
    const runtime = this.env.world.requireBot(refId(bot));
    const name = command.replace(/^\//, '');
    // In groups clients address commands to a bot explicitly.
    const head = opts.chat === undefined ? `/${name}` : `/${name}@${runtime.username}`;
    const text = payload === undefined || payload === '' ? head : `${head} ${payload}`;
    const entities: MessageEntity[] = [{ type: 'bot_command', offset: 0, length: head.length }];
    return this.post(bot, opts, { text, entities });
  }

  start(bot: BotRef, payload?: string): SentUpdate {
    return this.sendCommand(bot, 'start', payload);
  }

  sendPhoto(bot: BotRef, opts: PhotoOptions = {}): SentUpdate {
    const runtime = this.env.world.requireBot(refId(bot));
    const files = this.env.world.files;
    let set = opts.fileUniqueId === undefined ? undefined : files.content(opts.fileUniqueId)?.photoSet;
    if (opts.fileUniqueId !== undefined && !set) {
      throw new Error(`telegram sim: no photo with file_unique_id ${opts.fileUniqueId}`);
    }
    set ??= files.createPhoto(Buffer.from(opts.bytes ?? placeholderBytes('photo')));
    return this.post(bot, opts, { photo: files.photoSizes(runtime.id, set), ...captionOf(opts.caption) });
  }

  sendDocument(bot: BotRef, opts: DocumentOptions = {}): SentUpdate {
    const runtime = this.env.world.requireBot(refId(bot));
    const files = this.env.world.files;
    let content = opts.fileUniqueId === undefined ? undefined : files.content(opts.fileUniqueId);
    if (opts.fileUniqueId !== undefined && !content) {
      throw new Error(`telegram sim: no file with file_unique_id ${opts.fileUniqueId}`);
    }
    content ??= files.createDocument(
      Buffer.from(opts.bytes ?? placeholderBytes('document')),
      opts.fileName ?? 'document.pdf',
      opts.mimeType,
    );
    return this.post(bot, opts, {
      document: files.document(runtime.id, content),
      ...captionOf(opts.caption),
    });
  }

  pressButton(bot: BotRef, target: string | RegExp | PressTarget = {}): ButtonPress {
    const world = this.env.world;
    const runtime = world.requireBot(refId(bot));
    const press: PressTarget =
      typeof target === 'string' || target instanceof RegExp ? { button: target } : target;
    const conversation = this.conversationFor(runtime, press.chat, false);
    const { stored, data } = findButton(conversation, runtime, press);
    const id = world.newQueryId();
    const wire = structuredClone(stored.wire);
    const { updateId, queued } = runtime.enqueue({
      callback_query: {
        id,
        from: this.wire,
        message: wire,
        chat_instance: conversation.chatInstance,
        data,
      },
    });
    world.rememberCallbackQuery({
      id,
      botId: runtime.id,
      userId: this.id,
      chatId: conversation.chat.id,
      messageId: wire.message_id,
      data,
      answer: undefined,
    });
    return {
      updateId,
      callbackQueryId: id,
      chatId: conversation.chat.id,
      messageId: wire.message_id,
      data,
      queued,
    };
  }

  async pay(bot: BotRef, opts: PayOptions = {}): Promise<Payment> {
    const world = this.env.world;
    const runtime = world.requireBot(refId(bot));
    const conversation = this.conversationFor(runtime, opts.chat, true);
    const invoice =
      opts.invoiceLink !== undefined
        ? linkInvoice(world, opts.invoiceLink)
        : findInvoice(conversation, runtime, opts);

    const queryId = world.newQueryId();
    const query: PreCheckoutRecord = {
      id: queryId,
      botId: runtime.id,
      userId: this.id,
      invoice,
      answer: undefined,
      expired: false,
    };
    world.preCheckouts.set(queryId, query);
    const checkout = runtime.enqueue({
      pre_checkout_query: {
        id: queryId,
        from: this.wire,
        currency: invoice.currency,
        total_amount: invoice.totalAmount,
        invoice_payload: invoice.payload,
      },
    });
    if (!checkout.queued) {
      world.preCheckouts.delete(queryId);
      throw new SimPaymentError('not-delivered', "pre_checkout_query is not in the bot's allowed_updates");
    }
    const timeoutMs = opts.timeoutMs ?? world.options.preCheckoutTimeoutMs;
    try {
      await waitUntil({
        probe: () => query.answer,
        subscribe: (wake) => world.preCheckoutAnswered.on((answered) => answered.id === queryId && wake()),
        timeoutMs,
        signal: this.env.closing,
        describe: () => `pre_checkout_query ${queryId} of bot ${runtime.id} was not answered`,
      });
    } catch (error) {
      query.expired = true;
      world.preCheckouts.delete(queryId);
      if (this.env.closing.aborted) throw error;
      throw new SimPaymentError('timeout', `pre_checkout_query was not answered within ${timeoutMs} ms`);
    }
    const answer = query.answer!;
    if (!answer.ok) {
      throw new SimPaymentError(
        'declined',
        `the bot declined the payment: ${answer.errorMessage ?? ''}`,
        answer.errorMessage,
      );
    }

    const chargeId = `stx${randomToken(40)}`;
    world.charges.set(chargeId, {
      chargeId,
      botId: runtime.id,
      userId: this.id,
      currency: invoice.currency,
      amount: invoice.totalAmount,
      payload: invoice.payload,
      refunded: false,
      paidAt: Date.now(),
    });
    const sent = this.post(
      bot,
      { ...(opts.chat === undefined ? {} : { chat: opts.chat }) },
      {
        successful_payment: {
          currency: invoice.currency,
          total_amount: invoice.totalAmount,
          invoice_payload: invoice.payload,
          telegram_payment_charge_id: chargeId,
          provider_payment_charge_id: invoice.currency === 'XTR' ? '' : `prov_${randomToken(16)}`,
        },
      },
    );
    return {
      preCheckoutQueryId: queryId,
      preCheckoutUpdateId: checkout.updateId,
      updateId: sent.updateId,
      messageId: sent.messageId,
      chargeId,
      currency: invoice.currency,
      amount: invoice.totalAmount,
      payload: invoice.payload,
    };
  }

  blockBot(bot: BotRef): void {
    this.env.world.setBlocked(this.env.world.requireBot(refId(bot)), this.id, true);
  }

  unblockBot(bot: BotRef): void {
    this.env.world.setBlocked(this.env.world.requireBot(refId(bot)), this.id, false);
  }

  private conversationFor(bot: BotRuntime, chat: ChatRef | undefined, create: boolean): Conversation {
    const world = this.env.world;
    if (chat === undefined) {
      const conversation = world.privateConversation(bot, this.id, create);
      if (!conversation) throw new Error(`telegram sim: user ${this.id} has no chat with bot ${bot.id} yet`);
      return conversation;
    }
    const group = world.requireGroup(refId(chat));
    if (!world.isBotMember(bot, group)) {
      throw new Error(`telegram sim: bot ${bot.id} is not a member of chat ${group.id}; use group.addBot()`);
    }
    return world.groupConversation(group);
  }

  private post(bot: BotRef, opts: UserMessageOptions, content: Fields): SentUpdate {
    const world = this.env.world;
    const runtime = world.requireBot(refId(bot));
    const conversation = this.conversationFor(runtime, opts.chat, true);
    const group = conversation.group;
    if (group) {
      const status = world.memberStatus(group, this.id);
      if (status === 'left' || status === 'kicked') world.setMember(group, this.id, 'member');
    } else if (runtime.blockedBy.has(this.id)) {
      // Writing to a blocked bot means pressing "Restart" first, which unblocks it.
      world.setBlocked(runtime, this.id, false);
    }
    const fields: Fields = {};
    if (opts.threadId !== undefined) {
      if (!group?.isForum || !group.topics.has(opts.threadId)) {
        throw new Error(`telegram sim: chat ${conversation.chat.id} has no forum topic ${opts.threadId}`);
      }
      fields.message_thread_id = opts.threadId;
      fields.is_topic_message = true;
    }
    if (opts.replyTo !== undefined) {
      const target = conversation.messages.get(opts.replyTo);
      if (!target || target.deleted) throw new Error(`telegram sim: no message ${opts.replyTo} to reply to`);
      const reply = structuredClone(target.wire);
      delete reply.reply_to_message;
      fields.reply_to_message = reply;
    }
    Object.assign(fields, content);
    const stored = world.addMessage(conversation, { userId: this.id }, fields);
    const { updateId, queued } = runtime.enqueue({ message: stored.wire });
    return {
      updateId,
      chatId: conversation.chat.id,
      messageId: stored.wire.message_id,
      message: structuredClone(stored.wire) as unknown as Message,
      queued,
    };
  }
}

function findButton(
  conversation: Conversation,
  bot: BotRuntime,
  target: PressTarget,
): { stored: StoredMessage; data: string } {
  const matches = (text: string, data: string): boolean => {
    const wanted = target.button;
    if (wanted === undefined) return true;
    return typeof wanted === 'string'
      ? text === wanted || data === wanted
      : wanted.test(text) || wanted.test(data);
  };
  const candidates: StoredMessage[] = [];
  if (target.messageId !== undefined) {
    const stored = conversation.messages.get(target.messageId);
    if (!stored || stored.deleted)
      throw new Error(`telegram sim: message ${target.messageId} does not exist or was deleted`);
    candidates.push(stored);
  } else {
    for (const stored of [...conversation.messages.values()].reverse()) {
      if (!stored.deleted && stored.senderBotId === bot.id && stored.wire.reply_markup)
        candidates.push(stored);
    }
  }
  for (const stored of candidates) {
    for (const row of stored.wire.reply_markup?.inline_keyboard ?? []) {
      for (const button of row) {
        if (!('callback_data' in button) || typeof button.callback_data !== 'string') continue;
        if (matches(button.text, button.callback_data)) return { stored, data: button.callback_data };
      }
    }
  }
  const available = candidates
    .slice(0, 5)
    .map((stored) => {
      const buttons = (stored.wire.reply_markup?.inline_keyboard ?? [])
        .flat()
        .map((button) =>
          'callback_data' in button ? `"${button.text}"=${button.callback_data}` : `"${button.text}"`,
        );
      return `#${stored.wire.message_id}: ${buttons.join(', ') || '(no buttons)'}`;
    })
    .join('; ');
  throw new Error(
    `telegram sim: no callback button matching ${String(target.button ?? '(any)')} in chat ${conversation.chat.id} of bot ${bot.id}. ` +
      `Recent bot messages with buttons: ${available || 'none'}`,
  );
}

function findInvoice(conversation: Conversation, bot: BotRuntime, opts: PayOptions): InvoiceData {
  if (opts.messageId !== undefined) {
    const stored = conversation.messages.get(opts.messageId);
    if (!stored?.invoice) throw new Error(`telegram sim: message ${opts.messageId} is not an invoice`);
    return stored.invoice;
  }
  for (const stored of [...conversation.messages.values()].reverse()) {
    if (stored.invoice && stored.senderBotId === bot.id && !stored.deleted) return stored.invoice;
  }
  throw new Error(`telegram sim: bot ${bot.id} sent no invoice in chat ${conversation.chat.id}`);
}

function linkInvoice(world: World, link: string): InvoiceData {
  const invoice = world.invoiceLinks.get(link);
  if (!invoice) throw new Error(`telegram sim: unknown invoice link ${link}`);
  return invoice;
}

function captionOf(caption: string | undefined): Fields {
  if (caption === undefined || caption === '') return {};
  const entities = autoEntities(caption).entities;
  return entities ? { caption, caption_entities: entities } : { caption };
}

/** Telegram clients mark up commands, mentions and links in what users type. */
function autoEntities(text: string): { entities?: MessageEntity[] } {
  const entities: MessageEntity[] = [];
  const re = /(^|\s)(\/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]+)?|@[a-zA-Z0-9_]{5,32}|https?:\/\/\S+)/g;
  for (let match = re.exec(text); match; match = re.exec(text)) {
    const token = match[2]!;
    const offset = match.index + match[1]!.length;
    const type = token.startsWith('/') ? 'bot_command' : token.startsWith('@') ? 'mention' : 'url';
    entities.push({ type, offset, length: token.length } as MessageEntity);
  }
  return entities.length > 0 ? { entities } : {};
}

function placeholderBytes(kind: string): Buffer {
  return Buffer.concat([Buffer.from(`sim-${kind}-`), randomBytes(32)]);
}

export class SimGroupImpl implements SimGroup {
  constructor(
    private readonly world: World,
    private readonly record: GroupRecord,
    private readonly owner: WireUser,
  ) {}

  get id(): number {
    return this.record.id;
  }
  get title(): string {
    return this.record.title;
  }
  get type(): GroupRecord['type'] {
    return this.record.type;
  }
  get isForum(): boolean {
    return this.record.isForum;
  }
  get info(): Chat {
    return structuredClone(this.record.chat) as unknown as Chat;
  }

  addBot(bot: BotRef, status: 'member' | 'administrator' = 'administrator'): void {
    this.world.setMember(this.record, this.world.requireBot(refId(bot)).id, status, this.owner);
  }

  removeBot(bot: BotRef): void {
    this.world.setMember(this.record, this.world.requireBot(refId(bot)).id, 'kicked', this.owner);
  }

  setMember(user: UserRef, status: MemberStatus): void {
    this.world.setMember(this.record, refId(user), status, this.owner);
  }

  createTopic(name: string): number {
    if (!this.record.isForum) throw new Error(`telegram sim: chat ${this.id} is not a forum`);
    return createTopic(this.world, this.record, name, 0x6fb9f0, { userId: this.owner.id }).message_thread_id;
  }
}
