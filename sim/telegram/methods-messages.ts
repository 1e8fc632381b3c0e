// Sending, copying, editing and deleting messages, and answering callback queries.
import { badRequest, notModified, queryTooOld, requiredParam } from './api-error.js';
import type { FileContent, FileKind } from './files.js';
import { mimeTypeFor } from './files.js';
import { formatText } from './formatting.js';
import { parseReplyMarkup, sameMarkup } from './markup.js';
import type { MethodContext, MethodHandler } from './method-context.js';
import {
  isRecord,
  optBool,
  optInt,
  optJson,
  optString,
  type Params,
  reqInt,
  reqString,
  type Upload,
} from './params.js';
import type { Conversation, StoredMessage } from './state.js';
import type { CallbackAnswer } from './types.js';
import { nowSeconds } from './util.js';
import type { WireMessage } from './wire.js';

type Fields = Omit<WireMessage, 'message_id' | 'chat' | 'date'>;

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;

// ------------------------------------------------------------------------------------------ helpers

function threadFields(conversation: Conversation, params: Params): Fields {
  const threadId = optInt(params, 'message_thread_id');
  const group = conversation.group;
  if (threadId === undefined || !group) return {};
  if (!group.isForum) return { message_thread_id: threadId };
  // Thread 1 is the forum's "General" topic, whose messages carry no thread id.
  if (threadId === 1) return {};
  const topic = group.topics.get(threadId);
  if (!topic) throw badRequest('message thread not found');
  if (topic.closed) throw badRequest('TOPIC_CLOSED');
  return { message_thread_id: threadId, is_topic_message: true };
}

function replyFields(conversation: Conversation, params: Params): Fields {
  const replyParameters = optJson(params, 'reply_parameters', "can't parse reply parameters JSON object");
  let messageId: number | undefined;
  let allowWithout = false;
  if (replyParameters !== undefined) {
    if (!isRecord(replyParameters)) throw badRequest("can't parse reply parameters JSON object");
    messageId = optInt(replyParameters, 'message_id');
    if (messageId === undefined) throw badRequest('message to be replied not found');
    allowWithout = replyParameters.allow_sending_without_reply === true;
    const otherChat = replyParameters.chat_id;
    if (otherChat !== undefined && String(otherChat) !== String(conversation.chat.id)) {
      // Cross-chat replies are not simulated; behave as if the message were not found.
      if (allowWithout) return {};
      throw badRequest('message to be replied not found');
    }
  } else {
    messageId = optInt(params, 'reply_to_message_id');
    allowWithout = optBool(params, 'allow_sending_without_reply') ?? false;
  }
  if (messageId === undefined) return {};
  const target = conversation.messages.get(messageId);
  if (!target || target.deleted) {
    if (allowWithout) return {};
    throw badRequest('message to be replied not found');
  }
  const reply = structuredClone(target.wire);
  delete reply.reply_to_message;
  const fields: Fields = { reply_to_message: reply };
  // A reply inside a forum topic stays in that topic.
  if (target.wire.is_topic_message && target.wire.message_thread_id !== undefined) {
    fields.message_thread_id = target.wire.message_thread_id;
    fields.is_topic_message = true;
  }
  return fields;
}

function captionFields(params: Params): Fields {
  const raw = optString(params, 'caption');
  if (raw === undefined) return {};
  const formatted = formatText(raw, optString(params, 'parse_mode'), params.caption_entities);
  if (formatted.text.length > MAX_CAPTION) throw badRequest('message caption is too long');
  if (formatted.text === '') return {};
  const fields: Fields = { caption: formatted.text };
  if (formatted.entities.length > 0) fields.caption_entities = formatted.entities;
  return fields;
}

/** Common tail of every send method: topic, reply, keyboard, then store. */
function deliver(ctx: MethodContext, conversation: Conversation, content: Fields): StoredMessage {
  const markup = parseReplyMarkup(ctx.params.reply_markup);
  const fields: Fields = {
    ...replyFields(conversation, ctx.params),
    ...threadFields(conversation, ctx.params),
  };
  Object.assign(fields, content);
  if (markup?.inline) fields.reply_markup = markup.inline;
  return ctx.world.addMessage(conversation, { botId: ctx.bot.id }, fields, {
    replyKeyboard: markup?.replyKeyboard,
  });
}

type ResolvedFile = { kind: 'photo'; set: FileContent[] } | { kind: 'document'; content: FileContent };

const capitalized = (kind: FileKind): string => (kind === 'photo' ? 'Photo' : 'Document');

/** A file parameter: an upload (attach:// or a part named like the field), an HTTP URL or a file_id. */
function resolveInputFile(ctx: MethodContext, field: string, kind: FileKind): ResolvedFile {
  const value = ctx.params[field];
  let upload: Upload | undefined;
  if (typeof value === 'string' && value.startsWith('attach://')) {
    upload = ctx.uploads.get(value.slice('attach://'.length));
    if (!upload) throw badRequest('wrong file identifier/HTTP URL specified');
  } else if (value === undefined || value === null) {
    upload = ctx.uploads.get(field);
    if (!upload) throw badRequest(`there is no ${field} in the request`);
  }
  const files = ctx.world.files;
  if (upload) {
    if (upload.bytes.length === 0) throw badRequest('file must be non-empty');
    if (kind === 'photo') return { kind, set: files.createPhoto(upload.bytes) };
    const declared =
      upload.contentType?.toLowerCase() === 'application/octet-stream' ? undefined : upload.contentType;
    return {
      kind,
      content: files.createDocument(upload.bytes, upload.fileName, mimeTypeFor(upload.fileName) ?? declared),
    };
  }
  if (typeof value !== 'string' || value.trim() === '')
    throw badRequest(`there is no ${field} in the request`);
  if (/^https?:\/\//i.test(value)) {
    // Telegram would download the URL; the simulator stores a placeholder instead of fetching.
    const bytes = Buffer.from(`simulated download of ${value}`);
    if (kind === 'photo') return { kind, set: files.createPhoto(bytes) };
    const name = new URL(value).pathname.split('/').pop() || 'file';
    return { kind, content: files.createDocument(bytes, name, undefined) };
  }
  const ref = files.ref(value);
  // A file_id is only valid for the bot that received it.
  if (!ref || ref.botId !== ctx.bot.id) throw badRequest('wrong file identifier/HTTP URL specified');
  if (ref.content.kind !== kind) {
    throw badRequest(`can't use file of type ${capitalized(ref.content.kind)} as ${capitalized(kind)}`);
  }
  return kind === 'photo'
    ? { kind, set: ref.content.photoSet ?? [ref.content] }
    : { kind, content: ref.content };
}

function mediaFields(ctx: MethodContext, file: ResolvedFile): Fields {
  const files = ctx.world.files;
  return file.kind === 'photo'
    ? { photo: files.photoSizes(ctx.bot.id, file.set) }
    : { document: files.document(ctx.bot.id, file.content) };
}

function findOwnMessage(
  ctx: MethodContext,
  notFound: string,
): { conversation: Conversation; stored: StoredMessage } {
  if (ctx.params.inline_message_id !== undefined) throw badRequest('MESSAGE_ID_INVALID');
  const conversation = ctx.world.resolveChat(ctx.bot, ctx.params.chat_id, 'send');
  const messageId = reqInt(ctx.params, 'message_id', () => badRequest('message identifier is not specified'));
  const stored = conversation.messages.get(messageId);
  if (!stored || stored.deleted) throw badRequest(notFound);
  if (stored.senderBotId !== ctx.bot.id) throw badRequest("message can't be edited");
  return { conversation, stored };
}

function applyMarkup(wire: WireMessage, markup: WireMessage['reply_markup']): void {
  if (markup) wire.reply_markup = markup;
  else delete wire.reply_markup;
}

const sameEntities = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

function copyableContent(stored: StoredMessage): Fields {
  const wire = stored.wire;
  if (wire.invoice || wire.successful_payment || wire.forum_topic_created)
    throw badRequest("message can't be copied");
  const fields: Fields = {};
  if (wire.text !== undefined) fields.text = wire.text;
  if (wire.entities !== undefined) fields.entities = wire.entities;
  if (wire.photo !== undefined) fields.photo = wire.photo;
  if (wire.document !== undefined) fields.document = wire.document;
  if (wire.caption !== undefined) fields.caption = wire.caption;
  if (wire.caption_entities !== undefined) fields.caption_entities = wire.caption_entities;
  if (Object.keys(fields).length === 0) throw badRequest("message can't be copied");
  return structuredClone(fields);
}

/** Media a bot received carries file_ids of the sender's bot; re-issue them for this bot. */
function reissueMedia(ctx: MethodContext, fields: Fields): void {
  const files = ctx.world.files;
  if (fields.photo) {
    const set = fields.photo.map((size) => files.content(size.file_unique_id)).filter((c) => c !== undefined);
    if (set.length > 0) fields.photo = files.photoSizes(ctx.bot.id, set);
  }
  if (fields.document) {
    const content = files.content(fields.document.file_unique_id);
    if (content) fields.document = files.document(ctx.bot.id, content);
  }
}

function sourceMessage(ctx: MethodContext): StoredMessage {
  const from = ctx.world.resolveChat(ctx.bot, ctx.params.from_chat_id, 'read', () =>
    requiredParam('from_chat_id'),
  );
  const messageId = reqInt(ctx.params, 'message_id', () => badRequest('message identifier is not specified'));
  const stored = from.messages.get(messageId);
  if (!stored || stored.deleted) throw badRequest('message to copy not found');
  return stored;
}

// ------------------------------------------------------------------------------------------ methods

const sendMessage: MethodHandler = (ctx) => {
  const conversation = ctx.world.resolveChat(ctx.bot, ctx.params.chat_id, 'send');
  const raw = optString(ctx.params, 'text');
  if (raw === undefined || raw.trim() === '') throw badRequest('message text is empty');
  const formatted = formatText(raw, optString(ctx.params, 'parse_mode'), ctx.params.entities);
  if (formatted.text === '') throw badRequest('message text is empty');
  if (formatted.text.length > MAX_TEXT) throw badRequest('message is too long');
  const content: Fields = { text: formatted.text };
  if (formatted.entities.length > 0) content.entities = formatted.entities;
  return deliver(ctx, conversation, content).wire;
};

const sendMedia =
  (field: 'photo' | 'document'): MethodHandler =>
  (ctx) => {
    const conversation = ctx.world.resolveChat(ctx.bot, ctx.params.chat_id, 'send');
    const caption = captionFields(ctx.params);
    const file = resolveInputFile(ctx, field, field);
    return deliver(ctx, conversation, { ...mediaFields(ctx, file), ...caption }).wire;
  };

const copyMessage: MethodHandler = (ctx) => {
  const source = sourceMessage(ctx);
  const conversation = ctx.world.resolveChat(ctx.bot, ctx.params.chat_id, 'send');
  const content = copyableContent(source);
  reissueMedia(ctx, content);
  if (content.text === undefined && ctx.params.caption !== undefined) {
    delete content.caption;
    delete content.caption_entities;
    Object.assign(content, captionFields(ctx.params));
  }
  return { message_id: deliver(ctx, conversation, content).wire.message_id };
};

const forwardMessage: MethodHandler = (ctx) => {
  const source = sourceMessage(ctx);
  const conversation = ctx.world.resolveChat(ctx.bot, ctx.params.chat_id, 'send');
  const content = copyableContent(source);
  reissueMedia(ctx, content);
  const origin = source.wire.from ?? ctx.bot.user;
  content.forward_origin = { type: 'user', sender_user: origin, date: source.wire.date };
  const fields: Fields = { ...threadFields(conversation, ctx.params), ...content };
  return ctx.world.addMessage(conversation, { botId: ctx.bot.id }, fields).wire;
};

const editMessageText: MethodHandler = (ctx) => {
  const { conversation, stored } = findOwnMessage(ctx, 'message to edit not found');
  const wire = stored.wire;
  if (wire.text === undefined) throw badRequest('there is no text in the message to edit');
  const raw = optString(ctx.params, 'text');
  if (raw === undefined || raw.trim() === '') throw badRequest('message text is empty');
  const formatted = formatText(raw, optString(ctx.params, 'parse_mode'), ctx.params.entities);
  if (formatted.text.length > MAX_TEXT) throw badRequest('message is too long');
  // Editing without reply_markup removes the inline keyboard, as in Telegram.
  const markup = parseReplyMarkup(ctx.params.reply_markup)?.inline;
  if (
    wire.text === formatted.text &&
    sameEntities(wire.entities, formatted.entities) &&
    sameMarkup(wire.reply_markup, markup)
  ) {
    throw notModified();
  }
  wire.text = formatted.text;
  if (formatted.entities.length > 0) wire.entities = formatted.entities;
  else delete wire.entities;
  applyMarkup(wire, markup);
  wire.edit_date = nowSeconds();
  ctx.world.messageChanged(conversation);
  return wire;
};

const editMessageReplyMarkup: MethodHandler = (ctx) => {
  const { conversation, stored } = findOwnMessage(ctx, 'message to edit not found');
  const markup = parseReplyMarkup(ctx.params.reply_markup)?.inline;
  if (sameMarkup(stored.wire.reply_markup, markup)) throw notModified();
  applyMarkup(stored.wire, markup);
  stored.wire.edit_date = nowSeconds();
  ctx.world.messageChanged(conversation);
  return stored.wire;
};

const editMessageCaption: MethodHandler = (ctx) => {
  const { conversation, stored } = findOwnMessage(ctx, 'message to edit not found');
  const wire = stored.wire;
  if (wire.photo === undefined && wire.document === undefined) {
    throw badRequest('there is no caption in the message to edit');
  }
  const caption = captionFields(ctx.params);
  const markup = parseReplyMarkup(ctx.params.reply_markup)?.inline;
  if (
    (wire.caption ?? '') === (caption.caption ?? '') &&
    sameEntities(wire.caption_entities, caption.caption_entities) &&
    sameMarkup(wire.reply_markup, markup)
  ) {
    throw notModified();
  }
  if (caption.caption !== undefined) wire.caption = caption.caption;
  else delete wire.caption;
  if (caption.caption_entities !== undefined) wire.caption_entities = caption.caption_entities;
  else delete wire.caption_entities;
  applyMarkup(wire, markup);
  wire.edit_date = nowSeconds();
  ctx.world.messageChanged(conversation);
  return wire;
};

function deleteOne(ctx: MethodContext, conversation: Conversation, messageId: number): void {
  const stored = conversation.messages.get(messageId);
  if (!stored || stored.deleted) throw badRequest('message to delete not found');
  const group = conversation.group;
  // Bots may delete anything in private chats, their own messages in groups, and anything as admin.
  if (group && stored.senderBotId !== ctx.bot.id) {
    const status = group.members.get(ctx.bot.id);
    if (status !== 'administrator' && status !== 'creator') throw badRequest("message can't be deleted");
  }
  stored.deleted = true;
}

const deleteMessage: MethodHandler = (ctx) => {
  const conversation = ctx.world.resolveChat(ctx.bot, ctx.params.chat_id, 'read');
  const messageId = reqInt(ctx.params, 'message_id', () => badRequest('message identifier is not specified'));
  deleteOne(ctx, conversation, messageId);
  ctx.world.messageChanged(conversation);
  return true;
};

const deleteMessages: MethodHandler = (ctx) => {
  const conversation = ctx.world.resolveChat(ctx.bot, ctx.params.chat_id, 'read');
  const ids = optJson(ctx.params, 'message_ids', "can't parse message identifiers JSON object");
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100)
    throw badRequest('message identifiers are invalid');
  for (const id of ids) {
    try {
      deleteOne(ctx, conversation, Number(id));
    } catch {
      // deleteMessages skips messages that cannot be deleted instead of failing the whole call.
    }
  }
  ctx.world.messageChanged(conversation);
  return true;
};

const answerCallbackQuery: MethodHandler = (ctx) => {
  const id = reqString(ctx.params, 'callback_query_id');
  const query = ctx.world.callbackQueries.get(id);
  if (!query || query.botId !== ctx.bot.id || query.answer) throw queryTooOld();
  const text = optString(ctx.params, 'text');
  if (text !== undefined && text.length > 200) throw badRequest('MESSAGE_TOO_LONG');
  const answer: CallbackAnswer = {
    callbackQueryId: id,
    botId: ctx.bot.id,
    userId: query.userId,
    chatId: query.chatId,
    messageId: query.messageId,
    data: query.data,
    text,
    showAlert: optBool(ctx.params, 'show_alert') ?? false,
    url: optString(ctx.params, 'url'),
    at: Date.now(),
  };
  query.answer = answer;
  ctx.world.callbackAnswered.emit(answer);
  return true;
};

const sendChatAction: MethodHandler = (ctx) => {
  ctx.world.resolveChat(ctx.bot, ctx.params.chat_id, 'send');
  reqString(ctx.params, 'action');
  return true;
};

const pinning: MethodHandler = (ctx) => {
  const conversation = ctx.world.resolveChat(ctx.bot, ctx.params.chat_id, 'send');
  const messageId = optInt(ctx.params, 'message_id');
  if (messageId !== undefined && !conversation.messages.get(messageId))
    throw badRequest('message to pin not found');
  return true;
};

export const messageMethods: Record<string, MethodHandler> = {
  sendMessage,
  sendPhoto: sendMedia('photo'),
  sendDocument: sendMedia('document'),
  copyMessage,
  forwardMessage,
  editMessageText,
  editMessageReplyMarkup,
  editMessageCaption,
  deleteMessage,
  deleteMessages,
  answerCallbackQuery,
  sendChatAction,
  pinChatMessage: pinning,
  unpinChatMessage: pinning,
  unpinAllChatMessages: pinning,
};
