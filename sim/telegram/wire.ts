// Internal JSON shapes, as the Bot API serialises them. grammY's public `Message`/`Chat` types are
// discriminated unions that are awkward to build field by field; these flat shapes are built
// internally and cast to the grammY types only at the public boundary.
import type {
  Document,
  InlineKeyboardMarkup,
  Invoice,
  MessageEntity,
  PhotoSize,
  SuccessfulPayment,
} from 'grammy/types';

export interface WireUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

export interface WireChat {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
  is_forum?: true;
}

export interface WireMessage {
  message_id: number;
  message_thread_id?: number;
  from?: WireUser;
  sender_chat?: WireChat;
  chat: WireChat;
  date: number;
  edit_date?: number;
  is_topic_message?: true;
  forward_origin?: Record<string, unknown>;
  reply_to_message?: WireMessage;
  text?: string;
  entities?: MessageEntity[];
  photo?: PhotoSize[];
  document?: Document;
  caption?: string;
  caption_entities?: MessageEntity[];
  invoice?: Invoice;
  successful_payment?: SuccessfulPayment;
  forum_topic_created?: { name: string; icon_color: number };
  migrate_to_chat_id?: number;
  migrate_from_chat_id?: number;
  reply_markup?: InlineKeyboardMarkup;
}

/** An update without its id; the queue assigns `update_id`. */
export type UpdateBody = Record<string, unknown>;

export interface WireUpdate {
  update_id: number;
  [type: string]: unknown;
}

export type MemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

export const ACTIVE_STATUSES: ReadonlySet<MemberStatus> = new Set([
  'creator',
  'administrator',
  'member',
  'restricted',
]);
