// Bot identity, update delivery settings (getUpdates / webhooks), files and bot settings.
import type { WebhookInfo } from 'grammy/types';
import { badRequest, conflict, WEBHOOK_ACTIVE_CONFLICT } from './api-error.js';
import type { BotRuntime } from './bot-runtime.js';
import { Described, type MethodContext, type MethodHandler } from './method-context.js';
import { isRecord, optBool, optInt, optJson, optString, reqString } from './params.js';

const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

function readAllowedUpdates(ctx: MethodContext): string[] | undefined {
  const value = optJson(ctx.params, 'allowed_updates', "can't parse allowed updates JSON object");
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw badRequest("can't parse allowed updates JSON object");
  }
  return value as string[];
}

const getMe: MethodHandler = (ctx) => ctx.bot.getMe();

const getUpdates: MethodHandler = (ctx) => {
  if (ctx.bot.webhook.active) throw conflict(WEBHOOK_ACTIVE_CONFLICT);
  const allowed = readAllowedUpdates(ctx);
  if (allowed !== undefined) ctx.bot.allowedUpdates = allowed;
  const limit = Math.min(100, Math.max(1, optInt(ctx.params, 'limit') ?? 100));
  const timeoutSeconds = Math.max(0, optInt(ctx.params, 'timeout') ?? 0);
  return ctx.bot.queue.poll({
    offset: optInt(ctx.params, 'offset'),
    limit,
    timeoutSeconds,
    signal: ctx.signal,
  });
};

const setWebhook: MethodHandler = (ctx) => {
  const url = optString(ctx.params, 'url') ?? '';
  if (url === '') return deleteWebhook(ctx);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest('bad webhook: Failed to resolve host: Name or service not known');
  }
  // Telegram insists on HTTPS; the simulator also accepts plain HTTP so tests can use a local server.
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
  }
  const secretToken = optString(ctx.params, 'secret_token');
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
    throw badRequest('secret token contains unallowed characters');
  }
  const maxConnections = optInt(ctx.params, 'max_connections') ?? 40;
  if (maxConnections < 1 || maxConnections > 100)
    throw badRequest('bad webhook: invalid max_connections specified');
  const allowed = readAllowedUpdates(ctx);
  if (allowed !== undefined) ctx.bot.allowedUpdates = allowed;
  const bot = ctx.bot;
  const drop = optBool(ctx.params, 'drop_pending_updates') ?? false;
  if (drop) bot.queue.clear();
  const previous = bot.webhook.config;
  const unchanged =
    previous?.url === url &&
    previous.secretToken === secretToken &&
    previous.maxConnections === maxConnections;
  // Re-setting the same webhook must not restart deliveries already in flight.
  if (!unchanged || drop)
    bot.webhook.set({ url, secretToken, maxConnections, ipAddress: optString(ctx.params, 'ip_address') });
  // A long poll cannot survive a webhook being set.
  bot.queue.releasePoller(conflict(WEBHOOK_ACTIVE_CONFLICT));
  return new Described(true, unchanged ? 'Webhook is already set' : 'Webhook was set');
};

const deleteWebhook: MethodHandler = (ctx) => {
  const bot = ctx.bot;
  const wasActive = bot.webhook.active;
  bot.webhook.delete();
  if (optBool(ctx.params, 'drop_pending_updates')) bot.queue.clear();
  return new Described(true, wasActive ? 'Webhook was deleted' : 'Webhook is already deleted');
};

export function webhookInfo(bot: BotRuntime): WebhookInfo {
  const webhook = bot.webhook;
  const info: WebhookInfo = {
    url: webhook.config?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: bot.queue.size,
  };
  if (!webhook.config) return info;
  if (webhook.config.ipAddress !== undefined) info.ip_address = webhook.config.ipAddress;
  if (webhook.lastErrorDate !== undefined) info.last_error_date = webhook.lastErrorDate;
  if (webhook.lastErrorMessage !== undefined) info.last_error_message = webhook.lastErrorMessage;
  info.max_connections = webhook.config.maxConnections;
  if (bot.allowedUpdates !== undefined && bot.allowedUpdates.length > 0) {
    info.allowed_updates = [...bot.allowedUpdates] as NonNullable<WebhookInfo['allowed_updates']>;
  }
  return info;
}

const getWebhookInfo: MethodHandler = (ctx) => webhookInfo(ctx.bot);

const getFile: MethodHandler = (ctx) => {
  const fileId = reqString(ctx.params, 'file_id');
  const ref = ctx.world.files.ref(fileId);
  if (!ref || ref.botId !== ctx.bot.id) throw badRequest('invalid file_id');
  if (ref.content.bytes.length > MAX_DOWNLOAD_BYTES) throw badRequest('file is too big');
  return {
    file_id: ref.fileId,
    file_unique_id: ref.content.uniqueId,
    file_size: ref.content.bytes.length,
    file_path: ref.content.filePath,
  };
};

function commandsKey(ctx: MethodContext): string {
  const scope = optJson(ctx.params, 'scope', "can't parse BotCommandScope JSON object") ?? {
    type: 'default',
  };
  return `${JSON.stringify(scope)}|${optString(ctx.params, 'language_code') ?? ''}`;
}

const setMyCommands: MethodHandler = (ctx) => {
  const commands = optJson(ctx.params, 'commands', "can't parse commands JSON object");
  if (!Array.isArray(commands)) throw badRequest("can't parse commands JSON object");
  if (commands.length > 100) throw badRequest('too many commands specified');
  for (const command of commands) {
    if (
      !isRecord(command) ||
      typeof command.command !== 'string' ||
      typeof command.description !== 'string'
    ) {
      throw badRequest("can't parse BotCommand JSON object");
    }
    if (!/^[a-z0-9_]{1,32}$/.test(command.command)) throw badRequest('BOT_COMMAND_INVALID');
    if (command.description.length < 1 || command.description.length > 256) {
      throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
    }
  }
  ctx.bot.commands.set(commandsKey(ctx), commands);
  return true;
};

const getMyCommands: MethodHandler = (ctx) => ctx.bot.commands.get(commandsKey(ctx)) ?? [];

const deleteMyCommands: MethodHandler = (ctx) => {
  ctx.bot.commands.delete(commandsKey(ctx));
  return true;
};

const alwaysTrue: MethodHandler = () => true;

export const coreMethods: Record<string, MethodHandler> = {
  getMe,
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  getFile,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  // Settings without observable effect in the simulator.
  setMyDescription: alwaysTrue,
  setMyShortDescription: alwaysTrue,
  setMyName: alwaysTrue,
  setChatMenuButton: alwaysTrue,
  setMyDefaultAdministratorRights: alwaysTrue,
  setMessageReaction: alwaysTrue,
  close: alwaysTrue,
  logOut: alwaysTrue,
};
