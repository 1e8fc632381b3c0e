import { Api, GrammyError } from 'grammy';
import type { ChatMember, UserFromGetMe } from 'grammy/types';
import type { Tenant } from '../../../modules/tenants/tenant-registry.js';
import type { MasterDeps } from './master-ui.js';

/*
 * What the operators' panel asks Telegram (or the configured Bot API server) before it stores
 * something about a shop: whose token a pasted token is, and whether the shop's own bot can post in
 * the chat chosen for its admins.
 */

export type TokenCheck =
  | { readonly ok: true; readonly me: UserFromGetMe }
  | { readonly ok: false; readonly reason: 'rejected' | 'unreachable' };

/** Asks Telegram who this token belongs to. */
export async function checkToken(apiRoot: string, token: string, telegramBotId: number): Promise<TokenCheck> {
  try {
    const me = await new Api(token, { apiRoot, timeoutSeconds: 15 }).getMe();
    // a token that answers for another bot than its own prefix says is not one to trust
    return me.id === telegramBotId && me.is_bot ? { ok: true, me } : { ok: false, reason: 'rejected' };
  } catch (error) {
    // 401 Unauthorized / 404 Not Found: revoked, mistyped or never issued
    if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404))
      return { ok: false, reason: 'rejected' };
    return { ok: false, reason: 'unreachable' };
  }
}

/** The shop's own bot: the admin chat is checked with it, not with the master bot. */
export async function shopApi(deps: MasterDeps, tenant: Tenant): Promise<Api | undefined> {
  const secret = await deps.app.platform.tenants.revealToken(tenant.id);
  return secret ? new Api(secret, { apiRoot: deps.apiRoot, timeoutSeconds: 15 }) : undefined;
}

export type ChatCheck =
  | { readonly ok: true; readonly chatId: number; readonly title: string; readonly isForum: boolean }
  | {
      readonly ok: false;
      /** `person`: a user's id, not a group's; the rest say what Telegram answered. */
      readonly reason: 'person' | 'not_found' | 'not_member' | 'cannot_post' | 'unreachable';
    };

/** Whether a member of this status may send messages to a chat of this type. */
function canPost(member: ChatMember, chatType: string): boolean {
  switch (member.status) {
    case 'creator':
      return true;
    case 'administrator':
      // Telegram names the right for channels only; an administrator without it may not post there
      return chatType !== 'channel' || member.can_post_messages !== false;
    case 'member':
      return chatType !== 'channel';
    case 'restricted':
      return member.is_member && member.can_send_messages;
    default:
      return false;
  }
}

/**
 * Whether the shop's bot is in this chat (a numeric id or a public @username) and may post there:
 * getChat, then getChatMember of the bot itself. A group Telegram upgraded to a supergroup is
 * followed to its new id, which is what gets stored.
 */
export async function checkAdminChat(
  api: Api,
  chat: number | string,
  botUserId: number,
  hops = 0,
): Promise<ChatCheck> {
  if (typeof chat === 'number' && chat > 0) return { ok: false, reason: 'person' };
  try {
    const found = await api.getChat(chat);
    if (found.type === 'private') return { ok: false, reason: 'person' };
    const member = await api.getChatMember(found.id, botUserId);
    if (member.status === 'left' || member.status === 'kicked') return { ok: false, reason: 'not_member' };
    if (!canPost(member, found.type)) return { ok: false, reason: 'cannot_post' };
    const {
      id: chatId,
      title,
      type,
    } = found as { id: number; title?: string; type: string; is_forum?: boolean };
    return {
      ok: true,
      chatId,
      title: title ?? String(chatId),
      isForum: type === 'supergroup' && (found as { is_forum?: boolean }).is_forum === true,
    };
  } catch (error) {
    if (error instanceof GrammyError) {
      const moved = error.parameters.migrate_to_chat_id;
      if (moved !== undefined && hops < 2) return checkAdminChat(api, moved, botUserId, hops + 1);
      if (error.error_code === 403) return { ok: false, reason: 'not_member' };
      if (error.error_code === 400) return { ok: false, reason: 'not_found' };
    }
    return { ok: false, reason: 'unreachable' };
  }
}
