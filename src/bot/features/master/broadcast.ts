import { InlineKeyboard } from 'grammy';
import type { App } from '../../../app.js';
import {
  BUTTON_TEXT_MAX,
  CAPTION_MAX,
  parseButtonUrl,
  TEXT_MAX,
} from '../../../modules/broadcasts/broadcast-content.js';
import type { Tenant } from '../../../modules/tenants/tenant-registry.js';
import { callbackData, oneOf, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { AwaitingOf, BotContext } from '../../context.js';
import { broadcastMessage } from '../../notices/broadcast-message.js';
import {
  backToPanel,
  cancelKeyboard,
  clearInput,
  formatNumber,
  type MasterDeps,
  type PanelSection,
  show,
} from './master-ui.js';

const broadcastButton = callbackData('fleet:bc');
const buttonChoiceButton = callbackData('fleet:bc:btn', { add: oneOf(['yes', 'no']) });
const sendButton = callbackData('fleet:bc:go');

type OperatorBroadcast = AwaitingOf<'operator-broadcast'>;

/** What the operator composed: the text (a photo's caption), the photo, the link button. */
interface Draft {
  readonly text: string;
  readonly photo: string | null;
  readonly button: { readonly text: string; readonly url: string } | null;
}

const draftOf = (awaiting: OperatorBroadcast | undefined): Draft | undefined =>
  awaiting?.text
    ? { text: awaiting.text, photo: awaiting.photo ?? null, button: awaiting.button ?? null }
    : undefined;

/** Every active shop (the master bot is the operators' own, not a shop), page by page. */
async function activeShops(app: App): Promise<Tenant[]> {
  const shops: Tenant[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await app.platform.tenants.findAll({ limit: 100, offset });
    shops.push(...page.filter((tenant) => tenant.isActive && !tenant.isMaster));
    if (page.length < 100) return shops;
  }
}

/** Each shop with how many of its admins its bot can write to (admins who started it). */
async function audience(app: App): Promise<{ shop: Tenant; admins: number }[]> {
  const reach: { shop: Tenant; admins: number }[] = [];
  for (const shop of await activeShops(app)) {
    if (shop.adminTelegramIds.length === 0) continue;
    const admins = await app
      .forTenant(shop.id)
      .broadcasts.countRecipients({ segment: 'admins', adminTelegramIds: shop.adminTelegramIds });
    if (admins > 0) reach.push({ shop, admins });
  }
  return reach;
}

const totals = (ctx: BotContext, reach: { admins: number }[]) => ({
  shops: formatNumber(ctx.language, reach.length),
  admins: formatNumber(
    ctx.language,
    reach.reduce((sum, shop) => sum + shop.admins, 0),
  ),
});

/** The message is in (a text, or a photo with its caption): a link button next, or none. */
async function receiveMessage(ctx: BotContext, text: string, photo: string | null): Promise<void> {
  const limit = photo ? CAPTION_MAX : TEXT_MAX;
  if (text.trim().length === 0 || text.length > limit) {
    await ctx.reply(
      ctx.t(photo ? 'broadcast-bad-caption' : 'broadcast-bad-text', {
        max: formatNumber(ctx.language, limit),
      }),
      { reply_markup: cancelKeyboard(ctx.t) },
    );
    return;
  }
  ctx.session.awaiting = { kind: 'operator-broadcast', text, photo, button: null, step: 'button' };
  const keyboard = new InlineKeyboard()
    .text(ctx.t('broadcast-btn-add-button'), buttonChoiceButton.build({ add: 'yes' }))
    .text(ctx.t('broadcast-btn-no-button'), buttonChoiceButton.build({ add: 'no' }))
    .row()
    .text(ctx.t('adm-btn-cancel'), broadcastButton.build());
  await ctx.reply(ctx.t('broadcast-ask-button-choice'), { reply_markup: keyboard });
}

/**
 * The review: the message exactly as the admins will get it (sent here by the master bot), then
 * how many admins in how many shops, with Send.
 */
async function review(ctx: BotContext, deps: MasterDeps, draft: Draft): Promise<void> {
  const reach = await audience(deps.app);
  if (reach.length === 0) {
    clearInput(ctx);
    await ctx.reply(ctx.t('master-broadcast-nobody'), { reply_markup: backToPanel(ctx.t) });
    return;
  }
  ctx.session.awaiting = { kind: 'operator-broadcast', ...draft, step: 'review' };
  if (ctx.chat) await broadcastMessage(draft).send(ctx.api, ctx.chat.id);
  const keyboard = new InlineKeyboard()
    .text(ctx.t('master-broadcast-btn-send'), sendButton.build())
    .row()
    .text(ctx.t('adm-btn-cancel'), broadcastButton.build());
  await ctx.reply(ctx.t('master-broadcast-review-above', totals(ctx, reach)), { reply_markup: keyboard });
}

/** Text typed while composing: the message itself, or the button's two lines. */
async function receiveText(
  ctx: BotContext,
  deps: MasterDeps,
  awaiting: OperatorBroadcast,
  text: string,
): Promise<void> {
  const draft = draftOf(awaiting);
  if (awaiting.step !== 'button' || !draft) return receiveMessage(ctx, text, null);
  const [label = '', link = ''] = text.split('\n').map((line) => line.trim());
  const url = parseButtonUrl(link);
  if (label.length === 0 || label.length > BUTTON_TEXT_MAX || !url) {
    await ctx.reply(ctx.t('broadcast-bad-button'), { reply_markup: cancelKeyboard(ctx.t) });
    return;
  }
  await review(ctx, deps, { ...draft, button: { text: label, url } });
}

/**
 * A photo sent while composing: the broadcast's photo (its largest size), its caption the text.
 * Mounted by the panel for photos in the operators' private chat.
 */
export async function receiveOperatorBroadcastPhoto(ctx: BotContext, next: () => Promise<void>) {
  const awaiting = ctx.session.awaiting;
  const largest = ctx.message?.photo?.at(-1);
  if (awaiting?.kind !== 'operator-broadcast' || !largest) return next();
  await receiveMessage(ctx, ctx.message?.caption ?? '', largest.file_id);
}

/**
 * Sends the message to every active shop's admins, each through the shop's own bot (an admin has
 * started their shop's bot, not necessarily the master bot): one broadcast per shop, segment
 * `admins`, at that bot's pace. A photo is the master bot's file: each shop's bot uploads it.
 */
async function send(ctx: BotContext, deps: MasterDeps): Promise<void> {
  const awaiting = ctx.session.awaiting;
  const draft = awaiting?.kind === 'operator-broadcast' ? draftOf(awaiting) : undefined;
  // forgotten first: a second press finds nothing to send
  clearInput(ctx);
  if (!draft) {
    await ctx.answerCallbackQuery({ text: ctx.t('master-broadcast-gone') });
    return;
  }
  await ctx.answerCallbackQuery();
  const sent: { admins: number }[] = [];
  for (const { shop } of await audience(deps.app)) {
    const created = await deps.app.forTenant(shop.id).broadcasts.create({
      text: draft.text,
      ...(draft.photo ? { photo: draft.photo, photoBotId: ctx.shop.tenant.id } : {}),
      ...(draft.button ? { button: draft.button } : {}),
      audience: { segment: 'admins', adminTelegramIds: shop.adminTelegramIds },
      origin: 'operator',
      createdBy: ctx.from?.id ?? null,
    });
    if (created.ok) sent.push({ admins: created.value.total });
    else
      ctx.logger.warn({ botId: shop.id, error: created.error }, 'operator broadcast not created for a shop');
  }
  ctx.logger.info({ shops: sent.length, operator: ctx.from?.id }, 'operator broadcast to shop admins');
  await show(ctx, ctx.t('master-broadcast-sent', totals(ctx, sent)), backToPanel(ctx.t));
}

/** The operators' message to every shop's admins. */
export const broadcastSection: PanelSection = (deps) => {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, broadcastButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    clearInput(ctx);
    ctx.session.awaiting = { kind: 'operator-broadcast', text: null, step: 'message' };
    await show(ctx, ctx.t('master-broadcast-ask'), cancelKeyboard(ctx.t));
  });
  onPress(buttons, buttonChoiceButton, async (ctx, { add }) => {
    const awaiting = ctx.session.awaiting;
    const draft = awaiting?.kind === 'operator-broadcast' ? draftOf(awaiting) : undefined;
    if (!draft) {
      await ctx.answerCallbackQuery({ text: ctx.t('master-broadcast-gone') });
      return;
    }
    await ctx.answerCallbackQuery();
    if (add === 'no') return review(ctx, deps, { ...draft, button: null });
    ctx.session.awaiting = { kind: 'operator-broadcast', ...draft, button: null, step: 'button' };
    await show(ctx, ctx.t('broadcast-ask-button'), cancelKeyboard(ctx.t));
  });
  onPress(buttons, sendButton, (ctx) => send(ctx, deps));
  return {
    button: (ctx) => ({ text: ctx.t('master-btn-broadcast'), data: broadcastButton.build() }),
    composer: buttons,
    onText: { 'operator-broadcast': (ctx, awaiting, text) => receiveText(ctx, deps, awaiting, text) },
  };
};
