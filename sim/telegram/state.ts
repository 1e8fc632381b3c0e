// The simulated Telegram world: bots, users, chats with their messages, files, callback queries and
// payments. HTTP handlers and test helpers both act on this state; nothing here knows about HTTP.
import { ApiError, badRequest, botBlocked, chatNotFound, forbidden, unauthorized } from './api-error.js';
import { BotRuntime } from './bot-runtime.js';
import { FileStore } from './files.js';
import type { CallbackAnswer, StarCharge } from './types.js';
import { Emitter, nowSeconds, randomDigits, randomToken } from './util.js';
import type { WebhookDeps } from './webhooks.js';
import {
  ACTIVE_STATUSES,
  type MemberStatus,
  type WireChat,
  type WireMessage,
  type WireUser,
} from './wire.js';

export interface WorldOptions {
  readonly maxMessagesPerChat: number;
  readonly preCheckoutTimeoutMs: number;
}

export interface GroupRecord {
  readonly id: number;
  readonly type: 'group' | 'supergroup' | 'channel';
  readonly title: string;
  readonly username: string | undefined;
  readonly isForum: boolean;
  readonly chat: WireChat;
  readonly members: Map<number, MemberStatus>;
  readonly topics: Map<number, { name: string; iconColor: number; closed: boolean }>;
  /** Set once a basic group was upgraded: Telegram then refuses the old id and names the new one. */
  migratedTo?: number;
}

export interface StoredMessage {
  readonly wire: WireMessage;
  readonly senderBotId: number | undefined;
  readonly senderUserId: number | undefined;
  deleted: boolean;
  replyKeyboard: Record<string, unknown> | undefined;
  invoice: InvoiceData | undefined;
}

export interface Conversation {
  readonly key: string;
  readonly chat: WireChat;
  /** Set for group chats; private chats have none. */
  readonly group: GroupRecord | undefined;
  /** Stable per chat, as Telegram sends in callback queries. */
  readonly chatInstance: string;
  nextMessageId: number;
  readonly messages: Map<number, StoredMessage>;
}

export interface InvoiceData {
  readonly title: string;
  readonly description: string;
  readonly payload: string;
  readonly currency: string;
  readonly totalAmount: number;
}

export interface CallbackQueryRecord {
  readonly id: string;
  readonly botId: number;
  readonly userId: number;
  readonly chatId: number | undefined;
  readonly messageId: number | undefined;
  readonly data: string | undefined;
  answer: CallbackAnswer | undefined;
}

export interface PreCheckoutRecord {
  readonly id: string;
  readonly botId: number;
  readonly userId: number;
  readonly invoice: InvoiceData;
  answer: { ok: boolean; errorMessage: string | undefined } | undefined;
  expired: boolean;
}

type MutableCharge = { -readonly [K in keyof StarCharge]: StarCharge[K] };

export type Sender = { botId: number } | { userId: number };

/** Bounded so that a benchmark pressing buttons for hours does not grow memory without limit. */
const MAX_CALLBACK_QUERIES = 20_000;
const TOKEN_SHAPE = /^(\d{1,15}):[A-Za-z0-9_-]{1,}$/;

export class World {
  readonly bots = new Map<number, BotRuntime>();
  private readonly tokens = new Map<string, { botId: number; revoked: boolean }>();
  readonly users = new Map<number, WireUser>();
  readonly groups = new Map<number, GroupRecord>();
  private readonly groupsByUsername = new Map<string, GroupRecord>();
  private readonly conversations = new Map<string, Conversation>();
  readonly files = new FileStore();
  readonly callbackQueries = new Map<string, CallbackQueryRecord>();
  readonly preCheckouts = new Map<string, PreCheckoutRecord>();
  readonly charges = new Map<string, MutableCharge>();
  readonly invoiceLinks = new Map<string, InvoiceData>();

  readonly chatChanged = new Emitter<Conversation>();
  readonly callbackAnswered = new Emitter<CallbackAnswer>();
  readonly preCheckoutAnswered = new Emitter<PreCheckoutRecord>();

  private nextBotId = 7_000_000_001;
  private nextUserId = 500_000_001;
  private nextGroupId = 1;
  private nextQueryId = 1n;

  constructor(
    readonly options: WorldOptions,
    private readonly webhookDeps: (botId: number) => WebhookDeps,
  ) {}

  // ------------------------------------------------------------------------------------------ bots

  addBot(opts: { token?: string; id?: number; username?: string; firstName?: string }): BotRuntime {
    let id: number;
    let token: string;
    if (opts.token !== undefined) {
      const match = TOKEN_SHAPE.exec(opts.token);
      if (!match) throw new Error(`telegram sim: token "${opts.token}" is not of the form <id>:<secret>`);
      id = Number(match[1]);
      token = opts.token;
    } else {
      id = opts.id ?? this.unusedBotId();
      token = `${id}:${randomToken(35)}`;
    }
    if (this.bots.has(id)) throw new Error(`telegram sim: bot ${id} already exists`);
    const username = opts.username ?? `sim${id}_bot`;
    const bot = new BotRuntime(
      id,
      token,
      username,
      opts.firstName ?? `Sim Bot ${id}`,
      100_000_000 + Math.floor(Math.random() * 800_000_000),
      this.webhookDeps(id),
    );
    this.bots.set(id, bot);
    this.tokens.set(token, { botId: id, revoked: false });
    return bot;
  }

  private unusedBotId(): number {
    while (this.bots.has(this.nextBotId)) this.nextBotId++;
    return this.nextBotId++;
  }

  static isTokenShaped(token: string): boolean {
    return TOKEN_SHAPE.test(token);
  }

  botByToken(token: string): BotRuntime | undefined {
    const record = this.tokens.get(token);
    if (!record || record.revoked) return undefined;
    return this.bots.get(record.botId);
  }

  /** For test helpers: unknown references are programming errors, not API errors. */
  requireBot(id: number): BotRuntime {
    const bot = this.bots.get(id);
    if (!bot) throw new Error(`telegram sim: no bot with id ${id}; create it with sim.addBot()`);
    return bot;
  }

  revokeToken(token: string): void {
    const record = this.tokens.get(token);
    if (!record) throw new Error('telegram sim: revokeToken: unknown token');
    record.revoked = true;
    const bot = this.bots.get(record.botId);
    if (bot && bot.token === token) {
      // A revoked bot stops receiving anything: its webhook and long poll die with the token, and
      // its owner must register the webhook again with the new token.
      bot.webhook.delete();
      bot.queue.releasePoller(unauthorized());
    }
  }

  reissueToken(bot: BotRuntime): string {
    this.revokeToken(bot.token);
    bot.token = `${bot.id}:${randomToken(35)}`;
    this.tokens.set(bot.token, { botId: bot.id, revoked: false });
    return bot.token;
  }

  // ----------------------------------------------------------------------------------------- users

  addUser(opts: {
    id?: number;
    firstName?: string;
    lastName?: string;
    username?: string;
    languageCode?: string;
  }): WireUser {
    let id = opts.id;
    if (id === undefined) {
      while (this.users.has(this.nextUserId)) this.nextUserId++;
      id = this.nextUserId++;
    }
    const user: WireUser = { id, is_bot: false, first_name: opts.firstName ?? `User${id}` };
    if (opts.lastName !== undefined) user.last_name = opts.lastName;
    if (opts.username !== undefined) user.username = opts.username;
    if (opts.languageCode !== undefined) user.language_code = opts.languageCode;
    this.users.set(id, user);
    return user;
  }

  userInfo(id: number): WireUser {
    return this.users.get(id) ?? this.bots.get(id)?.user ?? { id, is_bot: false, first_name: `User${id}` };
  }

  // ---------------------------------------------------------------------------------------- groups

  addGroup(opts: {
    id?: number;
    title?: string;
    type?: GroupRecord['type'];
    isForum?: boolean;
    username?: string;
  }): GroupRecord {
    const type = opts.type ?? 'supergroup';
    const n = this.nextGroupId++;
    const id = opts.id ?? (type === 'group' ? -(4_000_000_000 + n) : -(1_002_000_000_000 + n));
    if (this.groups.has(id)) throw new Error(`telegram sim: chat ${id} already exists`);
    const title = opts.title ?? `Sim ${type} ${n}`;
    const isForum = type === 'supergroup' && opts.isForum === true;
    const chat: WireChat = { id, type, title };
    if (opts.username !== undefined && type !== 'group') chat.username = opts.username;
    if (isForum) chat.is_forum = true;
    const group: GroupRecord = {
      id,
      type,
      title,
      username: chat.username,
      isForum,
      chat,
      members: new Map(),
      topics: new Map(),
    };
    this.groups.set(id, group);
    if (group.username) this.groupsByUsername.set(group.username.toLowerCase(), group);
    return group;
  }

  /**
   * Upgrades a basic group to a supergroup, as Telegram does when a group grows or changes some
   * settings: a new chat id with the same members; the old id answers every call with 400 and
   * `migrate_to_chat_id`. Both chats get the service message and member bots get it as an update.
   */
  upgradeGroup(group: GroupRecord): GroupRecord {
    if (group.type !== 'group') throw new Error(`telegram sim: chat ${group.id} is not a basic group`);
    if (group.migratedTo !== undefined)
      throw new Error(`telegram sim: chat ${group.id} was already upgraded to ${group.migratedTo}`);
    const upgraded = this.addGroup({ title: group.title, type: 'supergroup' });
    for (const [member, status] of group.members) upgraded.members.set(member, status);
    const actor = this.anyAdmin(group);
    const sender = actor ? { userId: actor.id } : undefined;
    const bots = [...group.members]
      .filter(([id, status]) => this.bots.has(id) && ACTIVE_STATUSES.has(status))
      .map(([id]) => this.requireBot(id));
    if (sender) {
      const from = this.addMessage(this.groupConversation(group), sender, {
        migrate_to_chat_id: upgraded.id,
      });
      const to = this.addMessage(this.groupConversation(upgraded), sender, {
        migrate_from_chat_id: group.id,
      });
      for (const bot of bots) {
        bot.enqueue({ message: from.wire });
        bot.enqueue({ message: to.wire });
      }
    }
    group.migratedTo = upgraded.id;
    return upgraded;
  }

  requireGroup(id: number): GroupRecord {
    const group = this.groups.get(id);
    if (!group) throw new Error(`telegram sim: no group/channel with id ${id}; create it with sim.group()`);
    return group;
  }

  /** Changes a membership; a bot whose own status changes gets my_chat_member, as in Telegram. */
  setMember(group: GroupRecord, userId: number, status: MemberStatus, actor?: WireUser): void {
    const old = group.members.get(userId) ?? 'left';
    group.members.set(userId, status);
    const bot = this.bots.get(userId);
    if (bot && old !== status) {
      bot.enqueue({
        my_chat_member: {
          chat: group.chat,
          from: actor ?? this.anyAdmin(group) ?? bot.user,
          date: nowSeconds(),
          old_chat_member: memberObject(bot.user, old),
          new_chat_member: memberObject(bot.user, status),
        },
      });
    }
  }

  private anyAdmin(group: GroupRecord): WireUser | undefined {
    for (const [id, status] of group.members) {
      if ((status === 'creator' || status === 'administrator') && this.users.has(id))
        return this.users.get(id);
    }
    return undefined;
  }

  memberStatus(group: GroupRecord, userId: number): MemberStatus {
    return group.members.get(userId) ?? 'left';
  }

  // --------------------------------------------------------------------------------- conversations

  privateConversation(bot: BotRuntime, userId: number, create: boolean): Conversation | undefined {
    const key = `p:${bot.id}:${userId}`;
    let conversation = this.conversations.get(key);
    if (!conversation && create) {
      const user = this.userInfo(userId);
      const chat: WireChat = { id: userId, type: 'private', first_name: user.first_name };
      if (user.last_name !== undefined) chat.last_name = user.last_name;
      if (user.username !== undefined) chat.username = user.username;
      conversation = this.newConversation(key, chat, undefined);
    }
    return conversation;
  }

  groupConversation(group: GroupRecord): Conversation {
    return (
      this.conversations.get(`g:${group.id}`) ?? this.newConversation(`g:${group.id}`, group.chat, group)
    );
  }

  /** The bot's view of a chat for test inspection; undefined when the bot never met it. */
  findConversation(bot: BotRuntime, chatId: number): Conversation | undefined {
    if (chatId > 0) return this.privateConversation(bot, chatId, false);
    const group = this.groups.get(chatId);
    return group ? this.conversations.get(`g:${group.id}`) : undefined;
  }

  private newConversation(key: string, chat: WireChat, group: GroupRecord | undefined): Conversation {
    const conversation: Conversation = {
      key,
      chat,
      group,
      chatInstance: `${Math.random() < 0.5 ? '-' : ''}${randomDigits(19)}`,
      // In groups message 1 is the "group created" service message (and in forums id 1 is the
      // General topic), so the first real message there is 2.
      nextMessageId: group ? 2 : 1,
      messages: new Map(),
    };
    this.conversations.set(key, conversation);
    return conversation;
  }

  /**
   * Resolves `chat_id` the way Telegram does for this bot: unknown chats are "chat not found",
   * blocked private chats and chats the bot was removed from are 403 when sending.
   */
  resolveChat(
    bot: BotRuntime,
    raw: unknown,
    purpose: 'send' | 'read',
    missing?: () => ApiError,
  ): Conversation {
    if (raw === undefined || raw === null || raw === '')
      throw missing ? missing() : badRequest('chat_id is empty');
    let id: number;
    if (typeof raw === 'number') id = raw;
    else if (typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw)) id = Number(raw);
    else if (typeof raw === 'string' && raw.startsWith('@')) {
      const group = this.groupsByUsername.get(raw.slice(1).toLowerCase());
      if (!group) throw chatNotFound();
      id = group.id;
    } else throw badRequest('chat not found');

    if (id > 0) {
      const conversation = this.privateConversation(bot, id, false);
      if (!conversation) throw chatNotFound();
      if (purpose === 'send' && bot.blockedBy.has(id)) throw botBlocked();
      return conversation;
    }
    const group = this.groups.get(id);
    if (!group) throw chatNotFound();
    if (group.migratedTo !== undefined)
      throw new ApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
        migrate_to_chat_id: group.migratedTo,
      });
    const status = group.members.get(bot.id);
    const kind = group.type === 'group' ? 'group' : group.type === 'channel' ? 'channel' : 'supergroup';
    if (status === undefined) throw chatNotFound();
    if (status === 'kicked') throw forbidden(`bot was kicked from the ${kind} chat`);
    if (status === 'left') throw forbidden(`bot is not a member of the ${kind} chat`);
    if (
      purpose === 'send' &&
      group.type === 'channel' &&
      status !== 'administrator' &&
      status !== 'creator'
    ) {
      throw badRequest('need administrator rights in the channel chat');
    }
    if (purpose === 'send' && status === 'restricted')
      throw badRequest('not enough rights to send text messages to the chat');
    return this.groupConversation(group);
  }

  isBotMember(bot: BotRuntime, group: GroupRecord): boolean {
    const status = group.members.get(bot.id);
    return status !== undefined && ACTIVE_STATUSES.has(status);
  }

  addMessage(
    conversation: Conversation,
    sender: Sender,
    fields: Omit<WireMessage, 'message_id' | 'chat' | 'date'>,
    extra?: { replyKeyboard?: Record<string, unknown> | undefined; invoice?: InvoiceData | undefined },
  ): StoredMessage {
    const wire: WireMessage = {
      message_id: conversation.nextMessageId++,
      chat: conversation.chat,
      date: nowSeconds(),
    };
    const { message_thread_id, is_topic_message, ...rest } = fields;
    if (message_thread_id !== undefined) wire.message_thread_id = message_thread_id;
    if ('botId' in sender) {
      // Channel posts are signed by the channel itself, not by the bot.
      if (conversation.chat.type === 'channel') wire.sender_chat = conversation.chat;
      else wire.from = this.requireBot(sender.botId).user;
    } else {
      wire.from = this.userInfo(sender.userId);
    }
    if (is_topic_message) wire.is_topic_message = true;
    Object.assign(wire, rest);
    const stored: StoredMessage = {
      wire,
      senderBotId: 'botId' in sender ? sender.botId : undefined,
      senderUserId: 'userId' in sender ? sender.userId : undefined,
      deleted: false,
      replyKeyboard: extra?.replyKeyboard,
      invoice: extra?.invoice,
    };
    conversation.messages.set(wire.message_id, stored);
    if (conversation.messages.size > this.options.maxMessagesPerChat) {
      const oldest = conversation.messages.keys().next().value;
      if (oldest !== undefined) conversation.messages.delete(oldest);
    }
    this.chatChanged.emit(conversation);
    return stored;
  }

  messageChanged(conversation: Conversation): void {
    this.chatChanged.emit(conversation);
  }

  // -------------------------------------------------------------------------------------- blocking

  setBlocked(bot: BotRuntime, userId: number, blocked: boolean): void {
    if (bot.blockedBy.has(userId) === blocked) return;
    if (blocked) bot.blockedBy.add(userId);
    else bot.blockedBy.delete(userId);
    const conversation = this.privateConversation(bot, userId, false);
    if (!conversation) return;
    // Telegram tells the bot through my_chat_member; bots use it to mark the user unreachable.
    bot.enqueue({
      my_chat_member: {
        chat: conversation.chat,
        from: this.userInfo(userId),
        date: nowSeconds(),
        old_chat_member: memberObject(bot.user, blocked ? 'member' : 'kicked'),
        new_chat_member: memberObject(bot.user, blocked ? 'kicked' : 'member'),
      },
    });
  }

  // ------------------------------------------------------------------------------------ ids, queries

  newQueryId(): string {
    return (4_000_000_000_000_000_000n + this.nextQueryId++ * 7_919n).toString();
  }

  rememberCallbackQuery(record: CallbackQueryRecord): void {
    this.callbackQueries.set(record.id, record);
    if (this.callbackQueries.size > MAX_CALLBACK_QUERIES) {
      const oldest = this.callbackQueries.keys().next().value;
      if (oldest !== undefined) this.callbackQueries.delete(oldest);
    }
  }
}

export function memberObject(user: WireUser, status: MemberStatus): Record<string, unknown> {
  switch (status) {
    case 'creator':
      return { status, user, is_anonymous: false };
    case 'administrator':
      return {
        status,
        user,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
        can_pin_messages: true,
        can_manage_topics: true,
      };
    case 'restricted':
      return {
        status,
        user,
        is_member: true,
        can_send_messages: false,
        can_send_audios: false,
        can_send_documents: false,
        can_send_photos: false,
        can_send_videos: false,
        can_send_video_notes: false,
        can_send_voice_notes: false,
        can_send_polls: false,
        can_send_other_messages: false,
        can_add_web_page_previews: false,
        can_change_info: false,
        can_invite_users: false,
        can_pin_messages: false,
        can_manage_topics: false,
        until_date: 0,
      };
    case 'kicked':
      return { status, user, until_date: 0 };
    default:
      return { status, user };
  }
}
