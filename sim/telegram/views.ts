// Detached snapshots of simulator state for tests; cloned so a test can neither observe later edits
// through an old snapshot nor corrupt the simulator by mutating one.
import type { Chat, InlineKeyboardButton, Message } from 'grammy/types';
import type { Conversation, StoredMessage } from './state.js';
import type { SimButton, SimChatView, SimMessage } from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function toSimMessage(stored: StoredMessage): SimMessage {
  const wire = structuredClone(stored.wire);
  const message: Mutable<SimMessage> = {
    messageId: wire.message_id,
    chatId: wire.chat.id,
    fromBot: stored.senderBotId !== undefined,
    senderId: stored.senderBotId ?? stored.senderUserId ?? wire.chat.id,
    date: wire.date,
    buttons: (wire.reply_markup?.inline_keyboard ?? []).map((row, r) => row.map((b, c) => toButton(b, r, c))),
    deleted: stored.deleted,
    raw: wire as unknown as Message,
  };
  if (wire.message_thread_id !== undefined) message.threadId = wire.message_thread_id;
  if (wire.edit_date !== undefined) message.editDate = wire.edit_date;
  if (wire.text !== undefined) message.text = wire.text;
  if (wire.caption !== undefined) message.caption = wire.caption;
  const entities = wire.entities ?? wire.caption_entities;
  if (entities !== undefined) message.entities = entities;
  if (wire.reply_markup !== undefined) message.replyMarkup = wire.reply_markup;
  if (stored.replyKeyboard !== undefined) message.replyKeyboard = structuredClone(stored.replyKeyboard);
  if (wire.photo !== undefined) message.photo = wire.photo;
  if (wire.document !== undefined) message.document = wire.document;
  if (stored.invoice !== undefined) {
    const { title, description, currency, totalAmount, payload } = stored.invoice;
    message.invoice = { title, description, currency, totalAmount, payload };
  }
  return message;
}

function toButton(button: InlineKeyboardButton, row: number, column: number): SimButton {
  const out: Mutable<SimButton> = { text: button.text, row, column };
  if ('callback_data' in button && typeof button.callback_data === 'string')
    out.callbackData = button.callback_data;
  if ('url' in button && typeof button.url === 'string') out.url = button.url;
  return out;
}

export function chatView(
  conversation: Conversation | undefined,
  fallbackChat: Chat | undefined,
  botId: number,
): SimChatView {
  const messages = conversation ? [...conversation.messages.values()].map(toSimMessage) : [];
  let lastBotMessage: SimMessage | undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.fromBot && message.senderId === botId && !message.deleted) {
      lastBotMessage = message;
      break;
    }
  }
  const chat = conversation ? (structuredClone(conversation.chat) as unknown as Chat) : fallbackChat;
  return { chat, messages, lastBotMessage };
}
