import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { autoRetry } from '@grammyjs/auto-retry';
import { Api, type ApiClientOptions, Bot, BotError, GrammyError } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { App } from '../app.js';
import { floodNoticeKey, floodWaitNotice } from '../jobs/definitions/flood-wait-notice.js';
import type { BotHealth, Tenant } from '../modules/tenants/tenant-registry.js';
import type { StoredUpdate } from '../modules/updates/updates-service.js';
import { forEachConcurrently } from '../shared/concurrency.js';
import type { BotId } from '../shared/ids.js';
import { scrubUnstorableInput } from '../shared/input-safety.js';
import { type Logger, redactErrorValues } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import { createBotApiClient } from './bot-api-client.js';
import type { BotComposer } from './composer.js';
import type { BotContext } from './context.js';
import { languageFromTelegram, type Translator } from './i18n.js';
import { type LongPollConnection, openLongPollConnection } from './long-poll.js';
import { movesMoney } from './middleware/pipeline.js';
import { floodWaitSeconds } from './notices/notices.js';
import { createPollLeases, type PollLeaseOptions, type PollLeases } from './poll-leases.js';
import { type Poller, startPoller, type UpdateSource } from './poller.js';

/** Updates the features need; pre-checkout queries must be asked for explicitly. */
export const ALLOWED_UPDATES = [
  'message',
  'edited_message',
  'callback_query',
  'pre_checkout_query',
  'my_chat_member',
] as const;

export interface FleetOptions {
  readonly apiRoot: string;
  readonly mode: 'polling' | 'webhook';
  /** Webhook mode: Telegram posts to `${publicBaseUrl}/tg/${botId}`. */
  readonly publicBaseUrl?: string | undefined;
  /** Derives each bot's webhook secret; never sent anywhere itself. */
  readonly secretKey: Buffer;
  /** Safety net behind change notifications (default 30 s). */
  readonly reconcileIntervalMs?: number;
  /** Bots started at once (default 32): start-up without a request storm. */
  readonly startConcurrency?: number;
  /**
   * Every bot is probed once per interval (default 10 min), spread evenly: a webhook bot whose
   * token was revoked receives nothing, so only a call tells. Also re-sets a webhook changed behind our back.
   */
  readonly healthProbeIntervalMs?: number;
  /** Cap on auto-retry waits for 429 on interactive paths (default 30 s). */
  readonly maxRetryDelaySeconds?: number;
  /** How often unfinished updates whose lease ran out are looked for and handled again (default 5 s). */
  readonly recoveryIntervalMs?: number;
  /**
   * Polling mode with several processes on one PostgreSQL: each bot is polled by the process that
   * holds its lease (src/bot/poll-leases.ts). Absent: this process polls every bot (one process).
   */
  readonly pollLeases?: PollLeaseOptions | undefined;
}

/** An update handled this many times without finishing is given up on (payments never are). */
export const MAX_UPDATE_ATTEMPTS = 8;

/**
 * The update could not be handled now because the database is unreachable. It is not lost: in
 * webhook mode the request fails so Telegram sends it again, and an update the inbox already holds
 * is handled again by the recovery sweep.
 */
export class UpdateDeferred extends Error {
  constructor(cause: unknown) {
    super('the update was deferred: the database is unreachable', { cause });
    this.name = 'UpdateDeferred';
  }
}

const isDeferred = (error: unknown): boolean =>
  error instanceof UpdateDeferred || (error instanceof BotError && error.error instanceof UpdateDeferred);

export interface FleetDeps {
  readonly app: App;
  readonly handler: BotComposer<BotContext>;
  readonly translator: Translator;
  readonly logger: Logger;
  readonly options: FleetOptions;
  /** Records updates and Bot API calls for GET /metrics (absent: nothing recorded). */
  readonly metrics?: Metrics | undefined;
}

/** The longest Telegram holds a long poll: an idle polled bot costs one request every 50 s. */
const LONG_POLL_SECONDS = 50;

/**
 * How long a bot's first long poll after its (re)start is held: a part of the usual length, by bot
 * id. Polls that all began together would end together, and so renew together every 50 s for as
 * long as the fleet idles (10,000 requests, and their garbage, in the same second at 10,000 bots);
 * spread once, they stay spread.
 */
export const firstPollSeconds = (botId: number): number => 1 + (botId % LONG_POLL_SECONDS);

/** An active tenant and its bot token, as a reconcile reads the whole fleet. */
type ActiveTenant = { readonly tenant: Tenant; readonly openToken: () => string };

export type BotState = 'starting' | 'running' | 'stopped' | 'unauthorized' | 'failed';

interface Entry {
  tenant: Tenant;
  token: string;
  state: BotState;
  bot: Bot<BotContext> | undefined;
  poller: Poller | undefined;
  health: BotHealth;
  /** False while the last health change could not be written (database down): written again later. */
  healthRecorded: boolean;
  healthError: string | null;
  /** The health writes of this bot, one after another. */
  healthWrite: Promise<void>;
  /** The webhook secret Telegram must present for this bot (derived once, checked per update). */
  readonly secret: Buffer;
  /** Serialises start/stop/refresh of this bot. */
  lock: Promise<void>;
}

export interface FleetBotStatus {
  readonly botId: BotId;
  readonly name: string;
  readonly username: string | null;
  readonly state: BotState;
  readonly health: BotHealth;
  /** Polling mode: getUpdates runs for this bot in this process now. */
  readonly polling: boolean;
}

/** `deferred`: not handled now (the database is unreachable); Telegram must send it again. */
export type WebhookOutcome = 'handled' | 'unknown_bot' | 'forbidden' | 'deferred';

/**
 * Bot API methods a webhook update may answer in its HTTP response instead of a request of its own
 * (the first such call of the update; polling never does). Telegram gives no result for a webhook
 * reply, so only methods whose result is `true` and never read qualify, and whose failure matters to
 * nobody: the spinner of a pressed button. Sending messages stays a real call (message ids, errors).
 */
export const canUseWebhookReply = (method: string): boolean => method === 'answerCallbackQuery';

/**
 * What a failure says in the bot's health record (shown by the API and the master bot): the
 * message without the values a query or a call was handed (a refused insert names the card).
 */
const healthNote = (error: unknown): string =>
  (error instanceof Error
    ? redactErrorValues(error as Parameters<typeof redactErrorValues>[0]).message
    : String(error)
  ).slice(0, 500);

const isStaleQuery = (result: { description?: string }) =>
  /query is too old|query ID is invalid/.test(result.description ?? '');

/** Thrown inside a start that shutdown overtook: the start ends without calling anything more. */
class FleetStopping extends Error {}

const isUnauthorized = (error: unknown) => error instanceof GrammyError && error.error_code === 401;

/**
 * Runs every active tenant bot and the master bot in one process, and follows changes to the
 * tenant registry (made here or by another process) without a restart.
 */
export function createFleet({ app, handler, translator, logger, options, metrics }: FleetDeps) {
  const log = logger.child({ component: 'fleet' });
  const entries = new Map<BotId, Entry>();
  const tenants = app.platform.tenants;
  let timer: NodeJS.Timeout | undefined;
  let probeTimer: NodeJS.Timeout | undefined;
  let probeCursor = 0;
  /** Probes owed: each tick adds its share of the fleet (a fraction in a small fleet) and takes the whole ones. */
  let probesOwed = 0;
  let unsubscribe: (() => void) | undefined;
  let stopping = false;
  let stopped: Promise<void> | undefined;
  /** Updates being handled right now, so shutdown can wait for them. */
  const inFlight = new Set<Promise<void>>();
  /** `${botId}:${updateId}` of the updates being handled here: the recovery sweep leaves them alone. */
  const handlingHere = new Set<string>();
  let recoveryTimer: NodeJS.Timeout | undefined;
  let recovering = false;
  const coordination = app.platform.coordination;
  /** Broadcast sends and grammY's calls (its `fetch`), over keep-alive agents; long polls have connections of their own. */
  const client = createBotApiClient({
    apiRoot: options.apiRoot,
    onCall: (method, outcome) => metrics?.telegramCall(method, outcome),
  });
  /** Polling with several processes: the leases say which bots this one polls. */
  const leases: PollLeases | undefined =
    options.mode === 'polling' && options.pollLeases
      ? createPollLeases({
          store: coordination,
          options: options.pollLeases,
          logger: log,
          candidates: () =>
            [...entries.values()]
              .filter((entry) => entry.state === 'running' && entry.bot)
              .map((entry) => entry.tenant.id),
          startPolling: (botId) => {
            const entry = entries.get(botId);
            if (entry?.state === 'running' && entry.bot && !entry.poller && !stopping)
              startPolling(entry, entry.bot);
          },
          stopPolling: async (botId) => {
            const entry = entries.get(botId);
            const poller = entry?.poller;
            if (!entry || !poller) return;
            entry.poller = undefined;
            if (poller.isRunning()) await poller.stop();
          },
          isPolling: (botId) => entries.get(botId)?.poller !== undefined,
        })
      : undefined;
  const mayPoll = (entry: Entry) => !leases || leases.holds(entry.tenant.id);

  const webhookSecret = (botId: BotId) =>
    createHmac('sha256', options.secretKey).update(`webhook:${botId}`).digest('base64url');
  const webhookUrl = (botId: BotId) => `${options.publicBaseUrl}/tg/${botId}`;

  /**
   * Records the bot's health. Writes of one bot go one after another and each writes the latest
   * value, so two changes close together (an update handled, another failing) end as the last one.
   */
  const setHealth = (entry: Entry, health: BotHealth, error: string | null = null): Promise<void> => {
    if (entry.health === health && entry.healthRecorded) return entry.healthWrite;
    entry.health = health;
    entry.healthError = error;
    entry.healthRecorded = false;
    entry.healthWrite = entry.healthWrite.then(() => writeHealth(entry));
    return entry.healthWrite;
  };

  const writeHealth = async (entry: Entry): Promise<void> => {
    if (entry.healthRecorded) return;
    const { health, healthError } = entry;
    try {
      await tenants.setHealth(entry.tenant.id, health, healthError);
      // a later change is queued behind this write and records itself
      if (entry.health === health) entry.healthRecorded = true;
    } catch (err) {
      // kept unrecorded: the health probe writes it again once the database is back
      log.warn({ err, botId: entry.tenant.id }, 'could not record bot health');
    }
  };

  /**
   * A bot whose handler failed is healthy again once it handles an update without error: what its
   * customers see, which a successful poll or probe does not show.
   */
  const recovered = (entry: Entry) => {
    if (entry.health === 'failing' || entry.health === 'unknown') void setHealth(entry, 'healthy');
  };

  const markUnauthorized = async (entry: Entry, error: unknown) => {
    if (entry.state === 'unauthorized') return;
    log.error({ botId: entry.tenant.id, err: error }, 'bot token rejected by Telegram (401); bot stopped');
    entry.state = 'unauthorized';
    const poller = entry.poller;
    entry.poller = undefined;
    if (poller?.isRunning()) void poller.stop();
    await setHealth(entry, 'unauthorized', 'Telegram rejected the token (401): revoked or wrong');
  };

  const createBot = (entry: Entry, botInfo: UserFromGetMe): Bot<BotContext> => {
    const bot = new Bot<BotContext>(entry.token, {
      botInfo,
      client: {
        apiRoot: options.apiRoot,
        canUseWebhookReply,
        // grammY's client over the fleet's keep-alive agent, without node-fetch
        fetch: client.fetch as unknown as NonNullable<ApiClientOptions['fetch']>,
      },
    });
    // installed first, so innermost: every request Telegram sees is counted, each retry included
    if (metrics) {
      bot.api.config.use(async (prev, method, payload, signal) => {
        try {
          const result = await prev(method, payload, signal);
          metrics.telegramCall(method, result.ok ? undefined : result.error_code);
          return result;
        } catch (error) {
          metrics.telegramCall(method, 'network');
          throw error;
        }
      });
    }
    bot.api.config.use(
      autoRetry({
        maxRetryAttempts: 3,
        maxDelaySeconds: options.maxRetryDelaySeconds ?? 30,
        rethrowHttpErrors: false,
      }),
    );
    // A button press handled late (again after a crash, or after an outage) can no longer stop its
    // spinner: Telegram has forgotten the query. That is no reason to fail the rest of the handling.
    bot.api.config.use(async (prev, method, payload, signal) => {
      const result = await prev(method, payload, signal);
      if (method === 'answerCallbackQuery' && !result.ok && result.error_code === 400 && isStaleQuery(result))
        return { ok: true, result: true } as unknown as typeof result;
      return result;
    });
    // A 401 on any call means the token is gone: mark the bot, whatever the caller does with the error.
    bot.api.config.use(async (prev, method, payload, signal) => {
      const result = await prev(method, payload, signal);
      if (!result.ok && result.error_code === 401) void markUnauthorized(entry, result.description);
      return result;
    });
    const shop = { tenant: entry.tenant, services: app.forTenant(entry.tenant.id) };
    /** Updates whose handler failed: they do not count as the bot working again. */
    const failed = new WeakSet<BotContext>();
    bot.use(async (ctx, next) => {
      ctx.shop = { ...shop, tenant: entry.tenant };
      const key = `${entry.tenant.id}:${ctx.update.update_id}`;
      handlingHere.add(key);
      const started = performance.now();
      const handling = next();
      inFlight.add(handling);
      try {
        await handling;
        metrics?.update(failed.has(ctx) ? 'failed' : 'handled', (performance.now() - started) / 1000);
        if (!failed.has(ctx)) recovered(entry);
      } catch (error) {
        metrics?.update(isDeferred(error) ? 'deferred' : 'failed', (performance.now() - started) / 1000);
        throw error;
      } finally {
        inFlight.delete(handling);
        handlingHere.delete(key);
      }
    });
    bot.errorBoundary(async (error) => {
      const ctx = error.ctx;
      const logger = ctx.logger ?? log.child({ botId: entry.tenant.id, updateId: ctx.update.update_id });
      failed.add(ctx);
      if (app.platform.isDatabaseUnavailable(error.error)) {
        // Not the bot's fault and nothing to apologise for: the update is handled once the
        // database is back, so it escapes the boundary to tell the transport not to drop it.
        logger.warn({ err: error.error }, 'database unreachable; update deferred');
        throw new UpdateDeferred(error.error);
      }
      // before admission there is no customer language yet: the one Telegram reports, else the shop's usual
      const language =
        ctx.language ??
        languageFromTelegram(ctx.from?.language_code) ??
        (entry.tenant.isMaster ? 'en' : 'fa');
      const chatId = ctx.chat?.type === 'private' ? ctx.chat.id : undefined;
      const floodWait = floodWaitSeconds(error.error);
      if (floodWait !== undefined) {
        // Telegram telling us to slow down is not the bot failing, and an apology now would only
        // meet the same limit: the customer hears from a job once the wait is over.
        logger.warn({ err: error.error, retryAfter: floodWait }, 'flood wait longer than we wait inline');
        if (chatId === undefined) return;
        await app
          .forTenant(entry.tenant.id)
          .jobs.enqueue(
            floodWaitNotice,
            { chatId, language },
            { dedupeKey: floodNoticeKey(chatId, floodWait), delayMs: floodWait * 1000 },
          )
          .catch((err: unknown) => logger.warn({ err }, 'could not defer the flood-wait notice'));
        return;
      }
      logger.error({ err: error.error }, 'handler failed');
      await setHealth(entry, 'failing', healthNote(error.error));
      if (chatId === undefined) return;
      const t = ctx.t ?? translator.forLanguage(language);
      await ctx.api.sendMessage(chatId, t('error-apology')).catch(() => undefined);
    }, handler);
    bot.catch((error) => {
      // polling and the recovery sweep: a deferred update waits in the inbox; nothing else gets here
      if (isDeferred(error)) return;
      log.error({ err: error.error, botId: entry.tenant.id }, 'update failed outside the error boundary');
    });
    return bot;
  };

  /** getMe once per bot ever: the answer is cached in the registry. */
  const resolveBotInfo = async (entry: Entry): Promise<UserFromGetMe> => {
    const cached = entry.tenant.botInfo as UserFromGetMe | null;
    if (cached?.id && cached.username) return cached;
    const me = await new Api(entry.token, { apiRoot: options.apiRoot }).getMe();
    await tenants.cacheBotInfo(
      entry.tenant.id,
      me as unknown as Record<string, unknown> & { username: string },
    );
    return me;
  };

  /**
   * getUpdates (over the bot's long-poll connection, src/bot/long-poll.ts), then the batch is stored in the inbox
   * before the offset moves past it: Telegram forgets an update once a later call confirms it, so
   * only a stored update may be confirmed.
   * While the database is unreachable the same batch is fetched again after a pause.
   */
  const inboxSource = (entry: Entry, connection: LongPollConnection): UpdateSource<Update> => {
    let offset = 0;
    let timeout = firstPollSeconds(entry.tenant.id);
    const updates = app.forTenant(entry.tenant.id).updates;
    return async (limit, signal) => {
      let networkPauseMs = 100;
      let databasePauseMs = 500;
      for (;;) {
        let batch: Update[];
        try {
          batch = await connection.poll(
            {
              offset,
              limit: Math.min(limit, 100),
              timeout,
              allowed_updates: ALLOWED_UPDATES,
            },
            signal,
          );
          timeout = LONG_POLL_SECONDS;
        } catch (error) {
          if (signal.aborted || (error instanceof GrammyError && [401, 409].includes(error.error_code)))
            throw error;
          log.warn({ err: error, botId: entry.tenant.id }, 'getUpdates failed; trying again');
          // a 429 says how long to wait
          const retryAfterMs = error instanceof GrammyError ? (error.parameters.retry_after ?? 0) * 1000 : 0;
          await sleep(Math.max(networkPauseMs, retryAfterMs), undefined, {
            signal,
          });
          networkPauseMs = Math.min(networkPauseMs * 2, 30_000);
          continue;
        }
        if (batch.length === 0) return batch;
        // as the webhook route does: text PostgreSQL cannot store is taken with U+FFFD instead
        for (const update of batch) scrubUnstorableInput(update);
        try {
          await updates.receive(batch as unknown as StoredUpdate[]);
        } catch (error) {
          if (!app.platform.isDatabaseUnavailable(error)) throw error;
          log.warn(
            { err: error, botId: entry.tenant.id, pauseMs: databasePauseMs },
            'database unreachable: updates stay with Telegram until it is back',
          );
          await sleep(databasePauseMs, undefined, { signal });
          databasePauseMs = Math.min(databasePauseMs * 2, 10_000);
          continue;
        }
        offset = batch.at(-1)!.update_id + 1;
        return batch;
      }
    };
  };

  const startPolling = (entry: Entry, bot: Bot<BotContext>) => {
    const connection = openLongPollConnection({
      apiRoot: options.apiRoot,
      token: entry.token,
      onCall: (method, outcome) => metrics?.telegramCall(method, outcome),
    });
    const poller = startPoller({
      source: inboxSource(entry, connection),
      handle: (update) => bot.handleUpdate(update),
      onError: async (error) => {
        await bot.errorHandler(error as BotError<BotContext>);
      },
      concurrency: 50,
    });
    entry.poller = poller;
    const closeConnection = () => connection.close();
    poller.task.then(closeConnection, closeConnection);
    poller.task.catch(async (error: unknown) => {
      if (entry.poller !== poller || stopping) return;
      entry.poller = undefined;
      if (isUnauthorized(error)) return markUnauthorized(entry, error);
      if (error instanceof GrammyError && error.error_code === 409) {
        // a webhook was left set (or another poller runs): take over once
        log.warn({ botId: entry.tenant.id }, 'getUpdates conflict (409); deleting webhook and polling again');
        await bot.api.deleteWebhook().catch(() => undefined);
      } else {
        log.error({ err: error, botId: entry.tenant.id }, 'polling stopped; restarting');
        await setHealth(entry, 'failing', healthNote(error));
      }
      setTimeout(() => {
        if (entry.state === 'running' && !entry.poller && !stopping && mayPoll(entry))
          startPolling(entry, bot);
      }, 1000).unref();
    });
  };

  const startEntry = async (entry: Entry): Promise<void> => {
    entry.state = 'starting';
    try {
      const botInfo = await resolveBotInfo(entry);
      if (stopping) throw new FleetStopping();
      const bot = createBot(entry, botInfo);
      entry.bot = bot;
      if (options.mode === 'webhook') {
        const secret = webhookSecret(entry.tenant.id);
        const url = webhookUrl(entry.tenant.id);
        const fingerprint = createHash('sha256')
          .update(JSON.stringify([url, secret, ALLOWED_UPDATES, entry.token]))
          .digest('hex');
        if (entry.tenant.webhookFingerprint !== fingerprint) {
          if (stopping) throw new FleetStopping();
          // One process sets it, however many start at once: the claim goes to the first to record
          // the fingerprint; the others find it recorded and Telegram has (or is getting) it.
          if (await coordination.claimWebhook(entry.tenant.id, fingerprint)) {
            try {
              await bot.api.setWebhook(url, {
                secret_token: secret,
                allowed_updates: [...ALLOWED_UPDATES],
                max_connections: 40,
              });
            } catch (error) {
              await coordination.unclaimWebhook(entry.tenant.id, fingerprint).catch(() => undefined);
              throw error;
            }
          }
          entry.tenant = { ...entry.tenant, webhookFingerprint: fingerprint };
        }
      } else {
        if (entry.tenant.webhookFingerprint) {
          await bot.api.deleteWebhook();
          await tenants.setWebhookFingerprint(entry.tenant.id, null);
        }
        if (stopping) throw new FleetStopping();
      }
      entry.state = 'running';
      // with leases, only the holder polls: now if held, else when a heartbeat takes the lease
      if (options.mode === 'polling' && mayPoll(entry)) startPolling(entry, bot);
      // started: Telegram took the token and the webhook, whatever the last run ended with
      await setHealth(entry, 'healthy');
      log.info({ botId: entry.tenant.id, username: botInfo.username }, 'bot started');
    } catch (error) {
      // a start cut short by shutdown is no failure of the bot: nothing to log or record
      if (stopping) {
        entry.state = 'stopped';
        return;
      }
      if (isUnauthorized(error)) return markUnauthorized(entry, error);
      entry.state = 'failed';
      log.error({ err: error, botId: entry.tenant.id }, 'bot failed to start; will retry');
      await setHealth(entry, 'failing', healthNote(error));
    }
  };

  const stopEntry = async (entry: Entry): Promise<void> => {
    const poller = entry.poller;
    entry.poller = undefined;
    entry.state = 'stopped';
    if (poller?.isRunning()) await poller.stop();
  };

  /** Serialises work on one bot: a burst of changes to one tenant applies in order. */
  const withLock = (botId: BotId, work: () => Promise<void>): Promise<void> => {
    const entry = entries.get(botId);
    const previous = entry?.lock ?? Promise.resolve();
    const next = previous.then(work, work);
    if (entry) entry.lock = next.catch(() => undefined);
    return next;
  };

  /**
   * Brings one bot in line with the registry: `known` is what a reconcile read for the whole fleet
   * at once (an active tenant and its token); without it the tenant is read now.
   */
  const applyRegistry = async (botId: BotId, known?: ActiveTenant): Promise<void> => {
    // refreshes queued behind others (a start-up reconcile of many bots) give up on shutdown
    if (stopping) return;
    const tenant = known ? known.tenant : await tenants.get(botId);
    if (stopping) return;
    const current = entries.get(botId);
    // a change applied since the reconcile read the fleet is newer than what it read
    if (known && current && current.tenant.updatedAt > known.tenant.updatedAt) return;
    if (!tenant?.isActive) {
      if (current) {
        await withLock(botId, () => stopEntry(current));
        entries.delete(botId);
        log.info({ botId }, tenant ? 'bot deactivated' : 'bot removed');
      }
      return;
    }
    const token = known ? known.openToken() : await tenants.revealToken(botId);
    if (!token || stopping) return;
    if (current && current.token === token && current.state !== 'failed') {
      // names, admins, merchant ids: picked up without a restart (after a start in progress ends)
      await current.lock;
      current.tenant = tenant;
      return;
    }
    if (current) {
      await withLock(botId, async () => {
        await stopEntry(current);
        if (stopping) return;
        current.token = token;
        current.tenant = tenant;
        current.bot = undefined;
        current.health = tenant.healthStatus === 'unauthorized' ? 'unknown' : tenant.healthStatus;
        await startEntry(current);
      });
      return;
    }
    const entry: Entry = {
      tenant,
      token,
      state: 'starting',
      bot: undefined,
      poller: undefined,
      health: tenant.healthStatus,
      healthRecorded: true,
      healthError: null,
      healthWrite: Promise.resolve(),
      secret: Buffer.from(webhookSecret(botId)),
      lock: Promise.resolve(),
    };
    entries.set(botId, entry);
    await withLock(botId, () => (stopping ? stopEntry(entry) : startEntry(entry)));
  };

  /**
   * One refresh of a bot at a time. Two at once (a change event and an explicit refresh, or the
   * periodic reconcile) would both find no entry and start two pollers for one token; the one left
   * out of `entries` kept polling and answering after the tenant was suspended.
   */
  const refreshing = new Map<BotId, Promise<void>>();
  const refresh = (botId: BotId, known?: ActiveTenant): Promise<void> => {
    const previous = refreshing.get(botId) ?? Promise.resolve();
    const next = previous.then(
      () => applyRegistry(botId, known),
      () => applyRegistry(botId, known),
    );
    refreshing.set(botId, next);
    const forget = () => {
      if (refreshing.get(botId) === next) refreshing.delete(botId);
    };
    next.then(forget, forget);
    return next;
  };

  const probe = async (entry: Entry): Promise<void> => {
    if (entry.state !== 'running' || !entry.bot) return;
    // a polled bot is asked for updates all the time, and a revoked token fails that poll: the
    // process polling it (this one, or the lease holder) learns it without a probe
    if (options.mode === 'polling' && (entry.poller || !mayPoll(entry))) return;
    try {
      if (options.mode === 'webhook') {
        const info = await entry.bot.api.getWebhookInfo();
        if (info.url !== webhookUrl(entry.tenant.id)) {
          log.warn({ botId: entry.tenant.id }, 'webhook was changed outside the fleet; setting it again');
          await tenants.setWebhookFingerprint(entry.tenant.id, null);
          entry.tenant = { ...entry.tenant, webhookFingerprint: null };
          await withLock(entry.tenant.id, () => startEntry(entry));
        }
      } else {
        await entry.bot.api.getMe();
      }
    } catch (error) {
      if (isUnauthorized(error)) await markUnauthorized(entry, error);
      else log.warn({ err: error, botId: entry.tenant.id }, 'health probe failed');
    }
  };

  const probeSome = async (tickMs: number, intervalMs: number): Promise<void> => {
    const running = [...entries.values()];
    if (running.length === 0) return;
    // health changes the database could not take when they happened
    await Promise.all(
      running.filter((entry) => !entry.healthRecorded).map((entry) => setHealth(entry, entry.health)),
    );
    // every bot once per interval: a fleet of 10 bots probes one every minute (not one a tick)
    probesOwed = Math.min(running.length, probesOwed + (running.length * tickMs) / intervalMs);
    const count = Math.floor(probesOwed);
    if (count === 0) return;
    probesOwed -= count;
    const batch = Array.from({ length: count }, (_, i) => running[(probeCursor + i) % running.length]!);
    probeCursor = (probeCursor + batch.length) % running.length;
    await Promise.all(batch.map(probe));
  };

  /**
   * Handles again the updates whose handling was cut short (a process killed, the database lost
   * mid-update) once their lease has run out, here or in another process running the same bots.
   * The admission claims each one, so two processes sweeping at once handle it once.
   */
  const recoverUnfinished = async (): Promise<void> => {
    if (recovering || stopping) return;
    recovering = true;
    try {
      const unfinished = await app.platform.updates.find(100);
      const handlings: Promise<void>[] = [];
      for (const update of unfinished) {
        const entry = entries.get(update.botId);
        if (!entry?.bot || entry.state !== 'running') continue;
        if (handlingHere.has(`${update.botId}:${update.updateId}`)) continue;
        const payload = update.payload as unknown as Update;
        if (update.attempts >= MAX_UPDATE_ATTEMPTS && !movesMoney(payload)) {
          log.error(
            { botId: update.botId, updateId: update.updateId, attempts: update.attempts },
            'update failed too many times; given up',
          );
          await app.forTenant(update.botId).updates.fail(update.updateId);
          continue;
        }
        log.info({ botId: update.botId, updateId: update.updateId }, 'handling an unfinished update again');
        handlings.push(
          entry.bot.handleUpdate(payload).catch((error: unknown) => {
            if (!isDeferred(error))
              log.error({ err: error, botId: update.botId, updateId: update.updateId }, 'recovery failed');
          }),
        );
      }
      await Promise.all(handlings);
    } catch (error) {
      if (!app.platform.isDatabaseUnavailable(error)) throw error;
    } finally {
      recovering = false;
    }
  };

  /** Reconciles under way, so shutdown can wait for them before the database closes. */
  const reconciling = new Set<Promise<void>>();
  const reconcileAll = (): Promise<void> => {
    if (stopping) return Promise.resolve();
    const run = reconcileRun();
    reconciling.add(run);
    const forget = () => reconciling.delete(run);
    run.then(forget, forget);
    return run;
  };

  /**
   * The registry's digest as of the last reconcile that left every bot as stored (none failed,
   * none refreshing, every refresh done): while it reads the same, there is nothing to apply.
   */
  let appliedDigest: string | undefined;
  const anyFailed = () => {
    for (const entry of entries.values()) if (entry.state === 'failed') return true;
    return false;
  };

  const reconcileRun = async (): Promise<void> => {
    // read before the versions: a change after it makes the next reconcile's digest differ
    const digest = await tenants.activeDigest();
    if (digest === appliedDigest && refreshing.size === 0 && !anyFailed()) return;
    appliedDigest = undefined;
    // when each active tenant last changed, for the whole fleet in one light query
    const versions = await tenants.activeVersions();
    const ids = [...new Set([...versions.keys(), ...entries.keys()])].filter((id) => {
      // unchanged since this process applied it (a token change touches the row too), and not
      // waiting for another start: nothing to do, which is most of a large fleet every time
      const entry = entries.get(id);
      const version = versions.get(id);
      return !(
        entry &&
        version !== undefined &&
        entry.state !== 'failed' &&
        !refreshing.has(id) &&
        entry.tenant.updatedAt.getTime() === version
      );
    });
    if (ids.length === 0) {
      appliedDigest = digest;
      return;
    }
    // the changed ones in full in one query (every one at a first start); a bot no longer active
    // (deactivated or removed) is read alone
    const changed = ids.filter((id) => versions.has(id));
    const active = new Map(
      (await tenants.findActiveWithTokens(changed.length > 1000 ? undefined : changed)).map((known) => [
        known.tenant.id,
        known,
      ]),
    );
    let refreshed = true;
    await forEachConcurrently(
      ids,
      options.startConcurrency ?? 32,
      (id) =>
        refresh(id, active.get(id)).catch((error: unknown) => {
          refreshed = false;
          log.error({ err: error, botId: id }, 'could not refresh bot');
        }),
      () => stopping,
    );
    if (refreshed && !stopping) appliedDigest = digest;
  };

  return {
    async start(): Promise<void> {
      if (options.mode === 'webhook' && !options.publicBaseUrl)
        throw new Error('webhook mode needs publicBaseUrl');
      unsubscribe = app.events.subscribe((event) => {
        if (event === 'reset') void reconcileAll();
        else if (event.kind === 'tenant') {
          refresh(event.botId as BotId).catch((error: unknown) =>
            log.error({ err: error, botId: event.botId }, 'could not apply tenant change'),
          );
        }
      });
      await reconcileAll();
      // stopped while starting: no timers to leave behind
      if (stopping) return;
      if (leases) {
        log.info({ instanceId: leases.instanceId }, 'polling the bots whose leases this process holds');
        await leases.start();
        if (stopping) return;
      }
      timer = setInterval(() => {
        reconcileAll().catch((error: unknown) => log.error({ err: error }, 'fleet reconcile failed'));
      }, options.reconcileIntervalMs ?? 30_000);
      timer.unref();
      const probeInterval = options.healthProbeIntervalMs ?? 10 * 60_000;
      const tick = Math.min(1000, probeInterval);
      probeTimer = setInterval(() => {
        probeSome(tick, probeInterval).catch((error: unknown) =>
          log.error({ err: error }, 'health probe failed'),
        );
      }, tick);
      probeTimer.unref();
      recoveryTimer = setInterval(() => {
        recoverUnfinished().catch((error: unknown) => log.error({ err: error }, 'update recovery failed'));
      }, options.recoveryIntervalMs ?? 5000);
      recoveryTimer.unref();
    },

    /** Runs the recovery sweep now (tests; the timer runs it every few seconds). */
    recoverUnfinished,

    /**
     * Webhook entry point: checks the bot's secret, then handles the update to completion. With
     * `respond`, the update's first call allowed by `canUseWebhookReply` is handed to it as the JSON
     * body of the webhook response (sent at once) instead of being a request of its own.
     */
    async handleWebhook(
      botId: number,
      secretHeader: string | undefined,
      update: Update,
      respond?: (body: string) => void,
    ): Promise<WebhookOutcome> {
      const entry = entries.get(botId as BotId);
      if (!entry?.bot || entry.state !== 'running') return 'unknown_bot';
      const given = Buffer.from(secretHeader ?? '');
      if (given.length !== entry.secret.length || !timingSafeEqual(given, entry.secret)) return 'forbidden';
      try {
        await entry.bot.handleUpdate(
          update,
          respond
            ? {
                send: async (body: string) => {
                  respond(body);
                },
              }
            : undefined,
        );
      } catch (error) {
        if (isDeferred(error)) return 'deferred';
        throw error;
      }
      return 'handled';
    },

    /** Applies a change to one tenant now (the registry's notification does the same within a moment). */
    refresh,

    /** A running bot's API, for messages sent outside an update (jobs); undefined when not running here. */
    api(botId: BotId): Api | undefined {
      const entry = entries.get(botId);
      return entry?.state === 'running' ? entry.bot?.api : undefined;
    },

    /** The lean client for calls made in bulk (broadcast sends): JSON parameters only, no auto-retry. */
    client,

    status(): FleetBotStatus[] {
      return [...entries.values()].map((entry) => ({
        botId: entry.tenant.id,
        name: entry.tenant.name,
        username: entry.tenant.username,
        state: entry.state,
        health: entry.health,
        polling: entry.poller?.isRunning() ?? false,
      }));
    },

    /**
     * Stops taking updates and waits for the ones in flight. Also safe while starting: bots not
     * started yet give up, the starts in flight finish their step, and nothing touches the
     * database after this resolves (the caller closes it next).
     */
    stop(): Promise<void> {
      stopped ??= (async () => {
        stopping = true;
        if (timer) clearInterval(timer);
        if (probeTimer) clearInterval(probeTimer);
        if (recoveryTimer) clearInterval(recoveryTimer);
        unsubscribe?.();
        await Promise.allSettled([...reconciling, ...refreshing.values()]);
        await Promise.allSettled([...entries.values()].map((entry) => entry.lock));
        await Promise.all([...entries.values()].map((entry) => stopEntry(entry)));
        // nothing polls here any more: the leases go, and the others take the bots at once
        await leases?.stop();
        await Promise.allSettled([...inFlight]);
        await Promise.allSettled([...entries.values()].map((entry) => entry.healthWrite));
        client.close();
      })();
      return stopped;
    },
  };
}

export type Fleet = ReturnType<typeof createFleet>;
