import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { type Api, InputFile } from 'grammy';
import type { App } from '../../app.js';
import type { BotId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { sendToAdmins } from '../admin-delivery.js';
import { formatDate, formatNumber } from '../format.js';
import type { Translator } from '../i18n.js';

export interface BackupNoticeDeps {
  readonly app: App;
  readonly translator: Translator;
  readonly runningBotApi: (botId: BotId) => Api;
}

/** A backup file to send: where it is, how large, which database made it. */
export interface BackupToSend {
  readonly kind: 'postgres' | 'pglite';
  readonly path: string;
  readonly bytes: number;
}

/**
 * Telegram takes files of at most 50 MB from a bot (core.telegram.org/bots/api#senddocument). A
 * larger backup goes in parts a little under that, up to `maxParts`; beyond that it is not sent and
 * the operators are told to take backups on the server.
 */
export interface BackupSendLimits {
  readonly partBytes: number;
  readonly maxParts: number;
}

export const BACKUP_SEND_LIMITS: BackupSendLimits = { partBytes: 48 * 1024 * 1024, maxParts: 20 };

const MB = 1024 * 1024;

/** Byte ranges `[start, end]` (inclusive, as createReadStream takes them) of each part. */
export function backupParts(bytes: number, partBytes: number): { start: number; end: number }[] {
  const parts: { start: number; end: number }[] = [];
  for (let start = 0; start < bytes; start += partBytes)
    parts.push({ start, end: Math.min(bytes, start + partBytes) - 1 });
  return parts.length > 0 ? parts : [{ start: 0, end: -1 }];
}

/**
 * The daily backup, sent by the master bot to the operators: its admin chat when one is set, else
 * each operator in private (sendToAdmins). Without a master bot running here it is not sent
 * (logged); the next day's backup tries again.
 */
export function backupNoticeSenders({ app, translator, runningBotApi }: BackupNoticeDeps) {
  /** The master bot's API, its tenant and services, and the operators' language; undefined without one. */
  const master = async (logger: Logger) => {
    const tenant = await app.platform.tenants.getMaster();
    if (!tenant?.isActive) {
      logger.warn('no master bot: the backup cannot be sent to the operators');
      return undefined;
    }
    const services = app.forTenant(tenant.id);
    const [language, timeZone] = await Promise.all([
      services.settings.get('default_language'),
      services.settings.get('timezone'),
    ]);
    return { api: runningBotApi(tenant.id), tenant, services, language, timeZone };
  };

  return {
    /** Sends the backup file (in parts when over Telegram's limit), or a notice when it is too large even so. */
    async backupReady(
      file: BackupToSend,
      logger: Logger,
      limits: BackupSendLimits = BACKUP_SEND_LIMITS,
    ): Promise<'sent' | 'too_large' | 'no_master'> {
      const to = await master(logger);
      if (!to) return 'no_master';
      const { api, tenant, services, language, timeZone } = to;
      const t = translator.forLanguage(language);
      const size = formatNumber(Math.max(1, Math.ceil(file.bytes / MB)), language);
      const kind = t(file.kind === 'postgres' ? 'backup-kind-postgres' : 'backup-kind-pglite');
      const date = formatDate(new Date(), language, timeZone);
      const name = basename(file.path);
      const deliver = (send: (chatId: number, threadId: number | undefined) => Promise<unknown>) =>
        sendToAdmins({
          api,
          services,
          tenant,
          translator,
          logger,
          send: async ({ chatId, threadId }) => {
            await send(chatId, threadId);
          },
        });
      const parts = backupParts(file.bytes, limits.partBytes);
      if (parts.length > limits.maxParts) {
        const limit = formatNumber(Math.floor((limits.partBytes * limits.maxParts) / MB), language);
        const text = t('backup-too-large', { size, limit });
        await deliver((chatId, threadId) =>
          api.sendMessage(chatId, text, threadId === undefined ? {} : { message_thread_id: threadId }),
        );
        logger.warn({ bytes: file.bytes, parts: parts.length }, 'backup too large to send; operators told');
        return 'too_large';
      }
      for (const [index, part] of parts.entries()) {
        const single = parts.length === 1;
        const partName = single ? name : `${name}.part${String(index + 1).padStart(2, '0')}`;
        const caption = single
          ? t('backup-document', { kind, date, size })
          : t('backup-document-part', {
              kind,
              date,
              name,
              part: formatNumber(index + 1, language),
              parts: formatNumber(parts.length, language),
            });
        // a stream per chat: each send reads its part from the file again
        await deliver((chatId, threadId) =>
          api.sendDocument(
            chatId,
            new InputFile(createReadStream(file.path, { start: part.start, end: part.end }), partName),
            { caption, ...(threadId === undefined ? {} : { message_thread_id: threadId }) },
          ),
        );
      }
      logger.info({ bytes: file.bytes, parts: parts.length }, 'backup sent to the operators');
      return 'sent';
    },

    /** Tells the operators the day's backup could not be made, and why. */
    async backupFailed(reason: string, logger: Logger): Promise<void> {
      const to = await master(logger);
      if (!to) return;
      const { api, tenant, services, language } = to;
      const text = translator.t(language, 'backup-failed', { reason: reason.slice(0, 500) });
      await sendToAdmins({
        api,
        services,
        tenant,
        translator,
        logger,
        send: async ({ chatId, threadId }) => {
          await api.sendMessage(chatId, text, threadId === undefined ? {} : { message_thread_id: threadId });
        },
      });
    },
  };
}
