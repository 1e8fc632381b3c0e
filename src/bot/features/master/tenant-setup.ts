import { InlineKeyboard } from 'grammy';
import { type Tenant, telegramBotIdOfToken } from '../../../modules/tenants/tenant-registry.js';
import { asBotId, type BotId } from '../../../shared/ids.js';
import type { Currency } from '../../../shared/money.js';
import { callbackData, id, integer, oneOf, onPress, token } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { AwaitingOf, BotContext } from '../../context.js';
import { formatId } from '../../format.js';
import { parseTypedInteger } from '../panel-ui.js';
import type { Answers } from '../section.js';
import {
  backToPanel,
  clearInput,
  formatNumber,
  type MasterDeps,
  panelHomeButton,
  setupButton,
  show,
  tenantButton,
  tenantListButton,
  tenantSettingsButton,
} from './master-ui.js';
import { checkAdminChat, checkToken, shopApi } from './telegram-checks.js';
import { askForTopUp } from './tenant-card.js';

/*
 * Setting a shop up from the master bot, step by step right after it is added (the walk), or any one
 * step later from its card. Every step is what the REST API can set about a shop: its admins, its
 * admin chat (checked with the shop's own bot) and topics, currency, panel squads and tag,
 * wholesale price, Zarinpal merchant and sandbox, and a first wallet top-up; the rules stay in the
 * tenant registry, the settings and the wallet services. Every step can be skipped.
 */

/** The walk's steps, in order. */
export const SETUP_STEPS = [
  'adm',
  'chat',
  'rt',
  'tt',
  'cur',
  'sq',
  'tag',
  'price',
  'zp',
  'sbx',
  'top',
] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];
type TypedStep = AwaitingOf<'operator-setup'>['step'];

const botId = id(asBotId);
/** `w`: the walk (Skip goes on to the next step); `e`: one step from the setup screen. */
const mode = oneOf(['w', 'e']);
export const stepButton = callbackData('fleet:s', { botId, step: oneOf(SETUP_STEPS), mode });
const removeAdminButton = callbackData('fleet:s', { botId, rm: 'rm', user: integer(), mode });
const currencyButton = callbackData('fleet:s', {
  botId,
  cur: 'c',
  currency: oneOf(['IRT', 'USD', 'RUB']),
  mode,
});
const sandboxButton = callbackData('fleet:s', { botId, sbx: 'b', to: oneOf(['on', 'off']), mode });
/** A squad by the first 8 characters of its uuid (a whole uuid would not fit in 64 bytes). */
const squadButton = callbackData('fleet:s', { botId, sq: 'q', squad: token(/[0-9a-f]{8}/), mode });
const clearButton = callbackData('fleet:s', {
  botId,
  clear: 'x',
  step: oneOf(['chat', 'rt', 'tt', 'tag', 'zp']),
  mode,
});
/** Edits that only the setup screen offers: the name, the token, a new API token, deleting. */
const editButton = callbackData('fleet:s', { botId, edit: oneOf(['name', 'token', 'api', 'del']) });
const confirmButton = callbackData('fleet:s', { botId, sure: oneOf(['api', 'del']), yes: 'y' });

const NONE = new Set(['-', '—', 'null', 'none', 'خالی', 'هیچ', 'нет', 'пусто']);
const isNone = (text: string) => NONE.has(text.trim().toLowerCase());

/** Telegram ids typed by the operator: separated by spaces, commas or lines; Persian digits too. */
export function parseTelegramIds(text: string): { ids: number[]; bad: string[] } {
  const ids: number[] = [];
  const bad: string[] = [];
  for (const part of text.split(/[\s,،;]+/).filter((item) => item.length > 0)) {
    const value = parseTypedInteger(part, /^\d{1,15}$/);
    if (value === undefined || value <= 0) bad.push(part);
    else if (!ids.includes(value)) ids.push(value);
  }
  return { ids, bad };
}

const MAX_ADMINS = 50;

interface StepView {
  readonly text: string;
  readonly keyboard: InlineKeyboard;
}

/** The steps' screens and answers, made with the business core they work on. */
export function createTenantSetup(deps: MasterDeps) {
  const { tenants } = deps.app.platform;

  const notFound = async (ctx: BotContext) => {
    clearInput(ctx);
    await show(ctx, ctx.t('master-tenant-not-found'), backToPanel(ctx.t));
  };

  /** Ids on the setup screens: Persian digits in Persian. */
  const idText = (ctx: BotContext, value: number) => formatId(value, ctx.language);

  /** A value as the setup screen shows it; "not set" for nothing. */
  const valueOr = (ctx: BotContext, value: string | null | undefined) =>
    value === null || value === undefined || value === '' ? ctx.t('onb-not-set') : value;

  async function overview(ctx: BotContext, tenant: Tenant): Promise<string> {
    const services = deps.app.forTenant(tenant.id);
    const [settings, balance] = await Promise.all([services.settings.getAll(), services.wallet.balance()]);
    const n = (value: number) => formatNumber(ctx.language, value);
    return ctx.t('onb-overview', {
      name: tenant.name,
      id: idText(ctx, tenant.id),
      admins: valueOr(ctx, tenant.adminTelegramIds.map((value) => idText(ctx, value)).join(', ')),
      chat: valueOr(ctx, settings.admin_chat_id === null ? null : idText(ctx, settings.admin_chat_id)),
      receipts: valueOr(
        ctx,
        settings.receipt_topic_id === null ? null : idText(ctx, settings.receipt_topic_id),
      ),
      tickets: valueOr(ctx, settings.ticket_topic_id === null ? null : idText(ctx, settings.ticket_topic_id)),
      currency: ctx.t('master-currency', { currency: tenant.currency }),
      squads: settings.panel_squads.length === 0 ? ctx.t('onb-not-set') : n(settings.panel_squads.length),
      tag: settings.panel_tag ?? ctx.t('onb-tag-default', { tag: `RF${tenant.id}` }),
      price: n(tenant.wholesalePricePerGb),
      merchant: valueOr(ctx, tenant.zarinpalMerchantId),
      sandbox: ctx.t('onb-on-off', { on: tenant.zarinpalSandbox ? 'yes' : 'no' }),
      balance: n(balance),
    });
  }

  /** The setup screen: every value and a button for each step; the walk from the start. */
  async function showSetup(ctx: BotContext, id: BotId, prefix?: string): Promise<void> {
    const tenant = await tenants.get(id);
    if (!tenant) return notFound(ctx);
    clearInput(ctx);
    const keyboard = new InlineKeyboard()
      .text(ctx.t('onb-btn-walk'), stepButton.build({ botId: id, step: 'adm', mode: 'w' }))
      .row();
    SETUP_STEPS.forEach((step, index) => {
      keyboard.text(ctx.t('onb-step-btn', { step }), stepButton.build({ botId: id, step, mode: 'e' }));
      if (index % 2 === 1) keyboard.row();
    });
    keyboard
      .row()
      .text(ctx.t('onb-btn-name'), editButton.build({ botId: id, edit: 'name' }))
      .text(ctx.t('onb-btn-settings'), tenantSettingsButton.build({ botId: id }))
      .row();
    if (!tenant.isMaster) {
      keyboard
        .text(ctx.t('onb-btn-token'), editButton.build({ botId: id, edit: 'token' }))
        .text(ctx.t('onb-btn-delete'), editButton.build({ botId: id, edit: 'del' }))
        .row();
    }
    keyboard
      .text(ctx.t('onb-btn-api'), editButton.build({ botId: id, edit: 'api' }))
      .row()
      .text(ctx.t('master-btn-back'), tenantButton.build({ botId: id }))
      .text(ctx.t('master-btn-home'), panelHomeButton.build());
    const text = await overview(ctx, tenant);
    await show(ctx, prefix ? `${prefix}\n\n${text}` : text, keyboard);
  }

  /** Skip (the walk goes on) or Back (to the setup screen), and Finish for the walk. */
  const stepNav = (
    ctx: BotContext,
    id: BotId,
    step: SetupStep,
    walk: boolean,
    keyboard = new InlineKeyboard(),
  ) => {
    const index = SETUP_STEPS.indexOf(step);
    const next = SETUP_STEPS[index + 1];
    keyboard.row();
    if (walk) {
      if (next) keyboard.text(ctx.t('onb-btn-skip'), stepButton.build({ botId: id, step: next, mode: 'w' }));
      keyboard.text(ctx.t('onb-btn-finish'), setupButton.build({ botId: id }));
    } else {
      keyboard.text(ctx.t('master-btn-back'), setupButton.build({ botId: id }));
    }
    return keyboard;
  };

  const heading = (ctx: BotContext, tenant: Tenant, step: SetupStep, walk: boolean) =>
    ctx.t('onb-step-heading', {
      name: tenant.name,
      step,
      number: formatNumber(ctx.language, SETUP_STEPS.indexOf(step) + 1),
      total: formatNumber(ctx.language, SETUP_STEPS.length),
      walk: walk ? 'yes' : 'no',
    });

  /** Asks for a typed answer to `step`; what the operator types next goes to `receive`. */
  const awaitTyped = (ctx: BotContext, id: BotId, step: TypedStep, walk: boolean) => {
    clearInput(ctx);
    ctx.session.awaiting = { kind: 'operator-setup', botId: id, step, walk };
  };

  async function stepView(
    ctx: BotContext,
    tenant: Tenant,
    step: SetupStep,
    walk: boolean,
  ): Promise<StepView | 'topup'> {
    const id = tenant.id;
    const services = deps.app.forTenant(id);
    const m = walk ? 'w' : 'e';
    switch (step) {
      case 'adm': {
        awaitTyped(ctx, id, 'adm', walk);
        const keyboard = new InlineKeyboard();
        for (const admin of tenant.adminTelegramIds) {
          keyboard
            .text(
              ctx.t('onb-btn-remove-admin', { id: idText(ctx, admin) }),
              removeAdminButton.build({ botId: id, user: admin, mode: m }),
            )
            .row();
        }
        return {
          text: ctx.t('onb-admins-prompt', {
            admins: valueOr(ctx, tenant.adminTelegramIds.map((value) => idText(ctx, value)).join(', ')),
          }),
          keyboard: stepNav(ctx, id, step, walk, keyboard),
        };
      }
      case 'chat': {
        awaitTyped(ctx, id, 'chat', walk);
        const chat = await services.settings.get('admin_chat_id');
        const keyboard = new InlineKeyboard();
        if (chat !== null)
          keyboard.text(ctx.t('onb-btn-clear'), clearButton.build({ botId: id, step: 'chat', mode: m }));
        return {
          text: ctx.t('onb-chat-prompt', {
            chat: valueOr(ctx, chat === null ? null : idText(ctx, chat)),
            bot: tenant.username ?? idText(ctx, tenant.telegramBotId),
          }),
          keyboard: stepNav(ctx, id, step, walk, keyboard),
        };
      }
      case 'rt':
      case 'tt': {
        const key = step === 'rt' ? 'receipt_topic_id' : 'ticket_topic_id';
        const [chat, topic] = await Promise.all([
          services.settings.get('admin_chat_id'),
          services.settings.get(key),
        ]);
        if (chat === null) {
          clearInput(ctx);
          return { text: ctx.t('onb-topic-no-chat', { step }), keyboard: stepNav(ctx, id, step, walk) };
        }
        awaitTyped(ctx, id, step, walk);
        const keyboard = new InlineKeyboard();
        if (topic !== null)
          keyboard.text(ctx.t('onb-btn-clear'), clearButton.build({ botId: id, step, mode: m }));
        return {
          text: ctx.t('onb-topic-prompt', {
            step,
            topic: valueOr(ctx, topic === null ? null : idText(ctx, topic)),
          }),
          keyboard: stepNav(ctx, id, step, walk, keyboard),
        };
      }
      case 'cur': {
        clearInput(ctx);
        const keyboard = new InlineKeyboard();
        for (const currency of ['IRT', 'USD', 'RUB'] as const) {
          keyboard.text(
            `${tenant.currency === currency ? '• ' : ''}${ctx.t('master-currency', { currency })}`,
            currencyButton.build({ botId: id, currency, mode: m }),
          );
        }
        return {
          text: ctx.t('onb-currency-prompt', {
            currency: ctx.t('master-currency', { currency: tenant.currency }),
          }),
          keyboard: stepNav(ctx, id, step, walk, keyboard),
        };
      }
      case 'sq': {
        clearInput(ctx);
        const [listed, chosen] = await Promise.all([
          deps.app.platform.panelSquads.list(),
          services.settings.get('panel_squads'),
        ]);
        const keyboard = new InlineKeyboard();
        if (listed.status !== 'listed') {
          if (listed.status === 'unreachable')
            ctx.logger.warn({ err: listed.error }, 'panel squads not listed');
          keyboard.text(ctx.t('master-btn-refresh'), stepButton.build({ botId: id, step, mode: m }));
          return {
            text: ctx.t('onb-squads-unavailable', { reason: listed.status }),
            keyboard: stepNav(ctx, id, step, walk, keyboard),
          };
        }
        const known = new Set(listed.squads.map((squad) => squad.uuid));
        const rows = [
          ...listed.squads.map((squad) => ({
            uuid: squad.uuid,
            label: squad.name || squad.uuid.slice(0, 8),
          })),
          // chosen once, gone from the panel since: shown so it can be taken off
          ...chosen
            .filter((uuid) => !known.has(uuid))
            .map((uuid) => ({ uuid, label: `⚠️ ${uuid.slice(0, 8)}` })),
        ];
        for (const row of rows) {
          keyboard
            .text(
              `${chosen.includes(row.uuid) ? '✅' : '▫️'} ${row.label}`.slice(0, 60),
              squadButton.build({ botId: id, squad: row.uuid.slice(0, 8).toLowerCase(), mode: m }),
            )
            .row();
        }
        return {
          text: ctx.t('onb-squads-prompt', { count: formatNumber(ctx.language, chosen.length) }),
          keyboard: stepNav(ctx, id, step, walk, keyboard),
        };
      }
      case 'tag': {
        awaitTyped(ctx, id, 'tag', walk);
        const tag = await services.settings.get('panel_tag');
        const keyboard = new InlineKeyboard();
        if (tag !== null)
          keyboard.text(ctx.t('onb-btn-clear'), clearButton.build({ botId: id, step: 'tag', mode: m }));
        return {
          text: ctx.t('onb-tag-prompt', { tag: tag ?? ctx.t('onb-tag-default', { tag: `RF${id}` }) }),
          keyboard: stepNav(ctx, id, step, walk, keyboard),
        };
      }
      case 'price':
        awaitTyped(ctx, id, 'price', walk);
        return {
          text: ctx.t('onb-price-prompt', { price: formatNumber(ctx.language, tenant.wholesalePricePerGb) }),
          keyboard: stepNav(ctx, id, step, walk),
        };
      case 'zp': {
        awaitTyped(ctx, id, 'zp', walk);
        const keyboard = new InlineKeyboard();
        if (tenant.zarinpalMerchantId !== null)
          keyboard.text(ctx.t('onb-btn-clear'), clearButton.build({ botId: id, step: 'zp', mode: m }));
        return {
          text: ctx.t('onb-merchant-prompt', { merchant: valueOr(ctx, tenant.zarinpalMerchantId) }),
          keyboard: stepNav(ctx, id, step, walk, keyboard),
        };
      }
      case 'sbx': {
        clearInput(ctx);
        const keyboard = new InlineKeyboard();
        for (const to of ['on', 'off'] as const) {
          const current = (to === 'on') === tenant.zarinpalSandbox ? '• ' : '';
          keyboard.text(
            `${current}${ctx.t('onb-on-off', { on: to === 'on' ? 'yes' : 'no' })}`,
            sandboxButton.build({ botId: id, to, mode: m }),
          );
        }
        return {
          text: ctx.t('onb-sandbox-prompt', {
            sandbox: ctx.t('onb-on-off', { on: tenant.zarinpalSandbox ? 'yes' : 'no' }),
          }),
          keyboard: stepNav(ctx, id, step, walk, keyboard),
        };
      }
      case 'top':
        return 'topup';
      default: {
        const never: never = step;
        throw new Error(`unknown setup step ${String(never)}`);
      }
    }
  }

  async function showStep(
    ctx: BotContext,
    id: BotId,
    step: SetupStep,
    walk: boolean,
    prefix?: string,
  ): Promise<void> {
    const tenant = await tenants.get(id);
    if (!tenant) return notFound(ctx);
    const view = await stepView(ctx, tenant, step, walk);
    if (view === 'topup') {
      // the card's top-up, typed and confirmed there; the walk ends with it
      const extra = walk
        ? new InlineKeyboard().text(ctx.t('onb-btn-finish'), setupButton.build({ botId: id }))
        : new InlineKeyboard().text(ctx.t('master-btn-back'), setupButton.build({ botId: id }));
      return askForTopUp(ctx, deps, id, {
        heading: heading(ctx, tenant, step, walk),
        keyboard: extra,
        prefix,
      });
    }
    const text = `${prefix ? `${prefix}\n\n` : ''}${heading(ctx, tenant, step, walk)}\n\n${view.text}`;
    await show(ctx, text, view.keyboard);
  }

  /** After a step was saved: the next step of the walk, or the setup screen. */
  async function afterSaved(
    ctx: BotContext,
    id: BotId,
    step: SetupStep,
    walk: boolean,
    saved: string,
  ): Promise<void> {
    ctx.logger.info({ tenantId: id, step, operator: ctx.from?.id }, 'shop set up from the master bot');
    const next = SETUP_STEPS[SETUP_STEPS.indexOf(step) + 1];
    if (walk && next) return showStep(ctx, id, next, true, saved);
    return showSetup(ctx, id, saved);
  }

  /** A typed answer that does not fit: said why, and the question stays. */
  const refuse = async (ctx: BotContext, key: string, args: Record<string, string> = {}) => {
    await ctx.reply(ctx.t(key, args), { reply_markup: cancelOrSkip(ctx) });
  };
  const cancelOrSkip = (ctx: BotContext) => {
    const awaiting = ctx.session.awaiting;
    const keyboard = new InlineKeyboard();
    if (awaiting?.kind === 'operator-setup') {
      const index = SETUP_STEPS.indexOf(awaiting.step as SetupStep);
      const next = index >= 0 ? SETUP_STEPS[index + 1] : undefined;
      if (awaiting.walk && next)
        keyboard.text(
          ctx.t('onb-btn-skip'),
          stepButton.build({ botId: awaiting.botId, step: next, mode: 'w' }),
        );
      keyboard.text(ctx.t('master-btn-back'), setupButton.build({ botId: awaiting.botId }));
    }
    return keyboard;
  };

  async function receiveAdmins(ctx: BotContext, tenant: Tenant, walk: boolean, text: string): Promise<void> {
    const origin = ctx.msg?.forward_origin;
    let added: number[];
    if (origin) {
      // a message forwarded from the person: their id travels with it unless they hide it
      if (origin.type !== 'user') {
        return refuse(ctx, origin.type === 'hidden_user' ? 'onb-admins-hidden' : 'onb-admins-not-person');
      }
      if (origin.sender_user.is_bot) return refuse(ctx, 'onb-admins-not-person');
      added = [origin.sender_user.id];
    } else {
      const { ids, bad } = parseTelegramIds(text);
      if (bad.length > 0 || ids.length === 0)
        return refuse(ctx, 'onb-admins-invalid', { bad: bad.slice(0, 3).join(' ') || text.slice(0, 20) });
      added = ids;
    }
    const admins = [...new Set([...tenant.adminTelegramIds, ...added])];
    if (admins.length > MAX_ADMINS) return refuse(ctx, 'onb-admins-too-many', { max: String(MAX_ADMINS) });
    const updated = await tenants.update(tenant.id, { adminTelegramIds: admins });
    if (!updated.ok) return refuse(ctx, 'onb-admins-invalid', { bad: text.slice(0, 20) });
    clearInput(ctx);
    // more admins may follow: the step is shown again with the new list
    await showStep(
      ctx,
      tenant.id,
      'adm',
      walk,
      ctx.t('onb-admins-added', { ids: added.map((value) => idText(ctx, value)).join(', ') }),
    );
  }

  async function receiveChat(ctx: BotContext, tenant: Tenant, walk: boolean, text: string): Promise<void> {
    const typed = text.trim();
    const chatId = parseTypedInteger(typed, /^-?\d{1,16}$/);
    const handle = /^@[A-Za-z][A-Za-z0-9_]{4,31}$/.test(typed) ? typed : undefined;
    if (chatId === undefined && handle === undefined) return refuse(ctx, 'onb-chat-invalid');
    const api = await shopApi(deps, tenant);
    if (!api) return notFound(ctx);
    await ctx.replyWithChatAction('typing').catch(() => undefined);
    const check = await checkAdminChat(api, chatId ?? handle!, tenant.telegramBotId);
    if (!check.ok) {
      return refuse(ctx, 'onb-chat-refused', {
        reason: check.reason,
        bot: tenant.username ?? idText(ctx, tenant.telegramBotId),
      });
    }
    const stored = await deps.app
      .forTenant(tenant.id)
      .settings.set('admin_chat_id', check.chatId, 'operator');
    if (!stored.ok) return refuse(ctx, 'onb-chat-invalid');
    clearInput(ctx);
    await afterSaved(
      ctx,
      tenant.id,
      'chat',
      walk,
      ctx.t('onb-chat-saved', { title: check.title, forum: check.isForum ? 'yes' : 'no' }),
    );
  }

  async function receiveTopic(
    ctx: BotContext,
    tenant: Tenant,
    step: 'rt' | 'tt',
    walk: boolean,
    text: string,
  ) {
    const topic = parseTypedInteger(text, /^\d{1,10}$/);
    if (topic === undefined || topic <= 0) return refuse(ctx, 'onb-topic-invalid');
    const services = deps.app.forTenant(tenant.id);
    const chat = await services.settings.get('admin_chat_id');
    if (chat === null) return refuse(ctx, 'onb-topic-no-chat', { step });
    const api = await shopApi(deps, tenant);
    if (!api) return notFound(ctx);
    const check = await checkAdminChat(api, chat, tenant.telegramBotId);
    if (!check.ok)
      return refuse(ctx, 'onb-chat-refused', { reason: check.reason, bot: tenant.username ?? '' });
    if (!check.isForum) return refuse(ctx, 'onb-topic-not-forum');
    const stored = await services.settings.set(
      step === 'rt' ? 'receipt_topic_id' : 'ticket_topic_id',
      topic,
      'operator',
    );
    if (!stored.ok) return refuse(ctx, 'onb-topic-invalid');
    clearInput(ctx);
    await afterSaved(ctx, tenant.id, step, walk, ctx.t('onb-saved'));
  }

  async function receiveTag(ctx: BotContext, tenant: Tenant, walk: boolean, text: string) {
    const tag = text.trim().toUpperCase();
    const stored = await deps.app.forTenant(tenant.id).settings.set('panel_tag', tag, 'operator');
    if (!stored.ok) return refuse(ctx, 'onb-tag-invalid');
    clearInput(ctx);
    await afterSaved(ctx, tenant.id, 'tag', walk, ctx.t('onb-saved'));
  }

  async function receivePrice(ctx: BotContext, tenant: Tenant, walk: boolean, text: string) {
    const price = parseTypedInteger(text, /^\d{1,15}$/);
    const set =
      price === undefined ? undefined : await deps.app.forTenant(tenant.id).wallet.setWholesalePrice(price);
    if (!set?.ok) return refuse(ctx, 'master-number-invalid');
    clearInput(ctx);
    await afterSaved(
      ctx,
      tenant.id,
      'price',
      walk,
      ctx.t('master-price-set', { price: formatNumber(ctx.language, price!) }),
    );
  }

  async function receiveMerchant(ctx: BotContext, tenant: Tenant, walk: boolean, text: string) {
    const updated = await tenants.update(tenant.id, { zarinpalMerchantId: text.trim().toLowerCase() });
    if (!updated.ok) return refuse(ctx, 'onb-merchant-invalid');
    clearInput(ctx);
    await afterSaved(ctx, tenant.id, 'zp', walk, ctx.t('onb-saved'));
  }

  async function receiveName(ctx: BotContext, tenant: Tenant, text: string) {
    const updated = await tenants.update(tenant.id, { name: text.trim() });
    if (!updated.ok) return refuse(ctx, 'onb-name-invalid');
    clearInput(ctx);
    await showSetup(ctx, tenant.id, ctx.t('onb-saved'));
  }

  async function receiveToken(ctx: BotContext, tenant: Tenant, text: string) {
    if (tenant.isMaster) return refuse(ctx, 'onb-master-token');
    const typed = text.trim();
    const telegramBotId = telegramBotIdOfToken(typed);
    if (telegramBotId === undefined) return refuse(ctx, 'master-token-invalid');
    // a secret: it should not stay in the chat history
    await ctx.deleteMessage().catch(() => undefined);
    const check = await checkToken(deps.apiRoot, typed, telegramBotId);
    if (!check.ok)
      return refuse(ctx, check.reason === 'rejected' ? 'master-token-rejected' : 'master-token-unreachable');
    const changed = await tenants.changeToken(tenant.id, typed);
    if (!changed.ok)
      return refuse(
        ctx,
        changed.error.code === 'conflict' ? 'master-token-taken-race' : 'master-token-invalid',
      );
    if (changed.value) await tenants.cacheBotInfo(tenant.id, check.me as unknown as Record<string, unknown>);
    clearInput(ctx);
    ctx.logger.info(
      { tenantId: tenant.id, operator: ctx.from?.id },
      'tenant token changed from the master bot',
    );
    await showSetup(ctx, tenant.id, ctx.t('onb-token-changed', { username: check.me.username }));
  }

  /** The typed answer to a step, by the step asked. */
  async function receive(
    ctx: BotContext,
    awaiting: AwaitingOf<'operator-setup'>,
    text: string,
  ): Promise<void> {
    const tenant = await tenants.get(awaiting.botId);
    if (!tenant) return notFound(ctx);
    const { walk } = awaiting;
    if (
      isNone(text) &&
      awaiting.step !== 'adm' &&
      awaiting.step !== 'price' &&
      awaiting.step !== 'name' &&
      awaiting.step !== 'token'
    ) {
      return clearStep(ctx, tenant.id, awaiting.step, walk);
    }
    switch (awaiting.step) {
      case 'adm':
        return receiveAdmins(ctx, tenant, walk, text);
      case 'chat':
        return receiveChat(ctx, tenant, walk, text);
      case 'rt':
      case 'tt':
        return receiveTopic(ctx, tenant, awaiting.step, walk, text);
      case 'tag':
        return receiveTag(ctx, tenant, walk, text);
      case 'price':
        return receivePrice(ctx, tenant, walk, text);
      case 'zp':
        return receiveMerchant(ctx, tenant, walk, text);
      case 'name':
        return receiveName(ctx, tenant, text);
      case 'token':
        return receiveToken(ctx, tenant, text);
      default: {
        const never: never = awaiting.step;
        throw new Error(`unknown setup answer ${String(never)}`);
      }
    }
  }

  /** Empties a step's value: the admin chat, a topic, the tag (back to its default), the merchant. */
  async function clearStep(
    ctx: BotContext,
    id: BotId,
    step: 'chat' | 'rt' | 'tt' | 'tag' | 'zp',
    walk: boolean,
  ) {
    const settings = deps.app.forTenant(id).settings;
    if (step === 'zp') await tenants.update(id, { zarinpalMerchantId: null });
    else {
      const key = (
        { chat: 'admin_chat_id', rt: 'receipt_topic_id', tt: 'ticket_topic_id', tag: 'panel_tag' } as const
      )[step];
      await settings.reset(key, 'operator');
    }
    clearInput(ctx);
    await afterSaved(ctx, id, step, walk, ctx.t('onb-cleared'));
  }

  async function removeAdmin(ctx: BotContext, id: BotId, user: number, walk: boolean) {
    const tenant = await tenants.get(id);
    if (!tenant) return notFound(ctx);
    const admins = tenant.adminTelegramIds.filter((admin) => admin !== user);
    if (admins.length !== tenant.adminTelegramIds.length)
      await tenants.update(id, { adminTelegramIds: admins });
    await showStep(ctx, id, 'adm', walk, ctx.t('onb-admin-removed', { id: idText(ctx, user) }));
  }

  async function chooseCurrency(ctx: BotContext, id: BotId, currency: Currency, walk: boolean) {
    const tenant = await tenants.get(id);
    if (!tenant) return notFound(ctx);
    if (tenant.currency !== currency) {
      // amounts are stored in the shop's unit: changing it under existing balances would change them
      const stats = await deps.app.platform.stats.tenantStats(id);
      if (stats.customers > 0) {
        await ctx.answerCallbackQuery({ text: ctx.t('onb-currency-locked'), show_alert: true });
        return;
      }
      await tenants.update(id, { currency });
    }
    await ctx.answerCallbackQuery();
    await afterSaved(ctx, id, 'cur', walk, ctx.t('onb-saved'));
  }

  async function toggleSquad(ctx: BotContext, id: BotId, prefix: string, walk: boolean) {
    const settings = deps.app.forTenant(id).settings;
    const [listed, chosen] = await Promise.all([
      deps.app.platform.panelSquads.list(),
      settings.get('panel_squads'),
    ]);
    const candidates = [
      ...(listed.status === 'listed' ? listed.squads.map((squad) => squad.uuid) : []),
      ...chosen,
    ];
    const uuid = candidates.find((candidate) => candidate.toLowerCase().startsWith(prefix));
    if (uuid) {
      const next = chosen.includes(uuid) ? chosen.filter((item) => item !== uuid) : [...chosen, uuid];
      const stored = await settings.set('panel_squads', next, 'operator');
      if (!stored.ok) {
        await ctx.answerCallbackQuery({ text: ctx.t('onb-squads-invalid'), show_alert: true });
        return;
      }
    }
    await ctx.answerCallbackQuery();
    await showStep(ctx, id, 'sq', walk);
  }

  async function setSandbox(ctx: BotContext, id: BotId, on: boolean, walk: boolean) {
    const updated = await tenants.update(id, { zarinpalSandbox: on });
    if (!updated.ok || !updated.value) return notFound(ctx);
    await ctx.answerCallbackQuery();
    await afterSaved(ctx, id, 'sbx', walk, ctx.t('onb-saved'));
  }

  async function startEdit(ctx: BotContext, id: BotId, edit: 'name' | 'token' | 'api' | 'del') {
    const tenant = await tenants.get(id);
    if (!tenant) return notFound(ctx);
    const back = new InlineKeyboard().text(ctx.t('master-btn-back'), setupButton.build({ botId: id }));
    if ((edit === 'token' || edit === 'del') && tenant.isMaster) {
      await show(ctx, ctx.t('onb-master-token'), back);
      return;
    }
    if (edit === 'name' || edit === 'token') {
      clearInput(ctx);
      ctx.session.awaiting = { kind: 'operator-setup', botId: id, step: edit, walk: false };
      await show(
        ctx,
        ctx.t(edit === 'name' ? 'onb-name-prompt' : 'onb-token-prompt', { name: tenant.name }),
        back,
      );
      return;
    }
    clearInput(ctx);
    const confirm = new InlineKeyboard()
      .text(
        ctx.t(edit === 'api' ? 'onb-btn-api-sure' : 'onb-btn-delete-sure'),
        confirmButton.build({ botId: id, sure: edit }),
      )
      .row()
      .text(ctx.t('master-btn-back'), setupButton.build({ botId: id }));
    await show(
      ctx,
      ctx.t(edit === 'api' ? 'onb-api-confirm' : 'onb-delete-confirm', {
        name: tenant.name,
        id: idText(ctx, id),
      }),
      confirm,
    );
  }

  async function confirmEdit(ctx: BotContext, id: BotId, sure: 'api' | 'del') {
    const tenant = await tenants.get(id);
    if (!tenant) return notFound(ctx);
    if (sure === 'api') {
      const apiToken = await tenants.rotateApiToken(id);
      if (!apiToken) return notFound(ctx);
      ctx.logger.info(
        { tenantId: id, operator: ctx.from?.id },
        'tenant API token replaced from the master bot',
      );
      await show(
        ctx,
        ctx.t('onb-api-new', { name: tenant.name, apiToken }),
        new InlineKeyboard().text(ctx.t('master-btn-back'), setupButton.build({ botId: id })),
      );
      return;
    }
    if (tenant.isMaster) return notFound(ctx);
    await tenants.delete(id);
    ctx.logger.info({ tenantId: id, operator: ctx.from?.id }, 'tenant deleted from the master bot');
    await show(
      ctx,
      ctx.t('onb-deleted', { name: tenant.name, id: idText(ctx, id) }),
      new InlineKeyboard()
        .text(ctx.t('master-btn-tenants'), tenantListButton.build({ page: 0 }))
        .text(ctx.t('master-btn-home'), panelHomeButton.build()),
    );
  }

  const buttons = new BotComposer<BotContext>();
  onPress(buttons, setupButton, async (ctx, values) => {
    await ctx.answerCallbackQuery();
    await showSetup(ctx, values.botId);
  });
  onPress(buttons, stepButton, async (ctx, values) => {
    await ctx.answerCallbackQuery();
    await showStep(ctx, values.botId, values.step, values.mode === 'w');
  });
  onPress(buttons, removeAdminButton, async (ctx, values) => {
    await ctx.answerCallbackQuery();
    await removeAdmin(ctx, values.botId, values.user, values.mode === 'w');
  });
  onPress(buttons, currencyButton, (ctx, values) =>
    chooseCurrency(ctx, values.botId, values.currency, values.mode === 'w'),
  );
  onPress(buttons, squadButton, (ctx, values) =>
    toggleSquad(ctx, values.botId, values.squad, values.mode === 'w'),
  );
  onPress(buttons, sandboxButton, (ctx, values) =>
    setSandbox(ctx, values.botId, values.to === 'on', values.mode === 'w'),
  );
  onPress(buttons, clearButton, async (ctx, values) => {
    await ctx.answerCallbackQuery();
    await clearStep(ctx, values.botId, values.step, values.mode === 'w');
  });
  onPress(buttons, editButton, async (ctx, values) => {
    await ctx.answerCallbackQuery();
    await startEdit(ctx, values.botId, values.edit);
  });
  onPress(buttons, confirmButton, async (ctx, values) => {
    await ctx.answerCallbackQuery();
    await confirmEdit(ctx, values.botId, values.sure);
  });

  const answers: Answers = { 'operator-setup': receive };
  return { buttons, answers, showStep, showSetup };
}
