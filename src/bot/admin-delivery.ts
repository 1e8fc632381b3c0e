import { type Api, GrammyError } from 'grammy';
import type { TenantServices } from '../app.js';
import type { Tenant } from '../modules/tenants/tenant-registry.js';
import type { Logger } from '../shared/logger.js';
import type { Translator } from './i18n.js';

/** Telegram refused for good (chat not found, bot blocked or removed): retrying cannot help. */
export const isPermanentSendError = (error: unknown): boolean =>
  error instanceof GrammyError && (error.error_code === 400 || error.error_code === 403);

/** Telegram's answer when the recipient blocked the bot (or deleted their account): 403. */
export const isBlockedByUser = (error: unknown): boolean =>
  error instanceof GrammyError && error.error_code === 403;

/** The supergroup a basic group became, when Telegram says the chat moved. */
const migratedTo = (error: unknown): number | undefined =>
  error instanceof GrammyError && error.error_code === 400 ? error.parameters.migrate_to_chat_id : undefined;

/** Where one admin message goes: the admin chat (and its topic), or one admin's private chat. */
export interface AdminTarget {
  readonly chatId: number;
  readonly threadId: number | undefined;
}

export interface AdminDelivery {
  readonly api: Api;
  readonly services: TenantServices;
  readonly tenant: Tenant;
  readonly translator: Translator;
  readonly logger: Logger;
  /** Forum topic of the admin chat to post in (private chats have none). */
  readonly threadId?: number | undefined;
  /** Chats that already have this message (a retried job sends only to the ones missing). */
  readonly skip?: (chatId: number) => boolean;
  readonly send: (target: AdminTarget) => Promise<void>;
}

/**
 * Admin chats each running bot told its admins about in private: one note per broken chat rather
 * than one per receipt, told again after a restart (a new Api) if the chat is still broken.
 */
const reportedBroken = new WeakMap<Api, Set<number>>();

/**
 * Sends one message to a tenant's admins through its bot: to the admin chat when one is set, else
 * to each admin privately. A group Telegram upgraded to a supergroup is followed (the setting takes
 * the new id, so later messages go there at once); an admin chat that refuses for good (bot removed,
 * chat gone) falls back to the admins' private chats, since a receipt nobody sees waits unpaid.
 * A passing failure (flood wait, network) is thrown after the other targets were tried, so a job retries.
 */
export async function sendToAdmins(input: AdminDelivery): Promise<void> {
  const { services, tenant, logger } = input;
  const adminChat = await services.settings.get('admin_chat_id');
  if (adminChat !== null) {
    const delivered = await sendToAdminChat(input, adminChat);
    if (delivered) return;
  }
  const admins = tenant.adminTelegramIds;
  if (admins.length === 0) {
    logger.warn({ botId: tenant.id }, 'no working admin chat and no admins: an admin message goes nowhere');
    return;
  }
  let retry: unknown;
  for (const chatId of admins) {
    if (input.skip?.(chatId)) continue;
    try {
      await input.send({ chatId, threadId: undefined });
    } catch (error) {
      if (!isPermanentSendError(error)) retry = error;
      // e.g. an admin who never opened the bot: Telegram lets no bot write first
      else logger.warn({ err: error, chatId }, 'cannot reach an admin in private');
    }
  }
  if (retry) throw retry;
}

/** True when the admin chat has the message (now or before); false when it refuses for good. */
async function sendToAdminChat(input: AdminDelivery, chatId: number): Promise<boolean> {
  const { services, logger } = input;
  const target = { chatId, threadId: input.threadId };
  if (input.skip?.(chatId)) return true;
  try {
    await input.send(target);
    return true;
  } catch (error) {
    const moved = migratedTo(error);
    if (moved !== undefined) {
      // the tenant's own setting, changed as the tenant would: Telegram moved the chat, not us
      const stored = await services.settings.set('admin_chat_id', moved, 'tenant');
      if (!stored.ok) logger.warn({ err: stored.error, moved }, 'could not store the upgraded admin chat');
      else logger.info({ from: chatId, to: moved }, 'admin group was upgraded to a supergroup; following it');
      return sendToAdminChat(input, moved);
    }
    if (!isPermanentSendError(error)) throw error;
    logger.warn(
      { err: error, chatId },
      "the admin chat refuses the bot; sending to the admins' private chats instead",
    );
    await reportBrokenAdminChat(input, chatId, error);
    return false;
  }
}

/** Tells each admin privately that the admin chat no longer works, so someone fixes the setting. */
async function reportBrokenAdminChat(input: AdminDelivery, chatId: number, error: unknown): Promise<void> {
  const { api, services, tenant, translator, logger } = input;
  const reported = reportedBroken.get(api) ?? new Set<number>();
  reportedBroken.set(api, reported);
  if (reported.has(chatId)) return;
  reported.add(chatId);
  const language = await services.settings.get('default_language');
  // Telegram's reason is English and the chat id a raw number: both go to the log, not the screen
  logger.warn(
    { chatId, reason: error instanceof GrammyError ? error.description : String(error) },
    'admin chat unreachable; telling the admins',
  );
  const text = translator.t(language, 'admin-chat-unreachable');
  for (const admin of tenant.adminTelegramIds) {
    await api
      .sendMessage(admin, text)
      .catch((err: unknown) => logger.warn({ err, chatId: admin }, 'could not tell an admin'));
  }
}
