import { BotComposer } from '../composer.js';
import type { BotContext } from '../context.js';
import { isAdmin } from './is-admin.js';
import { RECEIPT_WINDOW_MS } from './payments/card-to-card.js';

/** A customer who keeps writing hears "back soon" once in this long (per process). */
export const BACK_SOON_EVERY_MS = 5 * 60_000;
/** Customers remembered at once; the oldest are forgotten first (they may hear the line again). */
const MAX_REMEMBERED = 50_000;

export interface MaintenanceGateOptions {
  readonly everyMs?: number;
  readonly now?: () => number;
}

/**
 * While the shop or the whole platform is in maintenance (src/modules/maintenance/), a customer gets
 * one short "back soon" line and nothing is done for them: no onboarding, no purchase, no ticket.
 * A message in a private chat is answered at most once per customer and maintenance every `BACK_SOON_EVERY_MS` (kept
 * in memory, not in the database: a customer writing ten messages costs no write); a button press is
 * always answered, with the line as an alert (a press must be answered anyway); anything else (group
 * messages, edits...) is dropped quietly.
 *
 * Money is never lost to it:
 * - a Stars checkout (`pre_checkout_query`) is refused with the line, so nothing is charged;
 * - a `successful_payment` goes on and is credited (Telegram took the Stars already);
 * - a card-to-card receipt the customer was asked for (the card was shown before maintenance, the
 *   money may be on its way) goes on and is recorded for the admins to review;
 * - Zarinpal callbacks come over HTTP, not through here, and are settled as always.
 * What those payments pay for is provisioned; the notices to the customer wait (jobs marked
 * `messagesCustomers`).
 *
 * Who passes: the shop's admins (in the master bot: the operators), the operators in any shop (they
 * check a shop before opening it again), and `my_chat_member` (a customer blocking the bot).
 */
export function createMaintenanceGate(options: MaintenanceGateOptions = {}): BotComposer<BotContext> {
  const everyMs = options.everyMs ?? BACK_SOON_EVERY_MS;
  const now = options.now ?? Date.now;
  /** `<bot id>:<user id>:<maintenance period>` → when they were last told, in the order they were told. */
  const told = new Map<string, number>();

  /** Whether to tell this customer now, remembering that they were. */
  const shouldTell = (key: string): boolean => {
    const at = now();
    const last = told.get(key);
    if (last !== undefined && at - last < everyMs) return false;
    told.delete(key);
    told.set(key, at);
    for (const [oldest, when] of told) {
      if (told.size <= MAX_REMEMBERED && at - when < everyMs) break;
      told.delete(oldest);
    }
    return true;
  };

  const gate = new BotComposer<BotContext>();
  gate.use(async (ctx, next) => {
    if (ctx.myChatMember !== undefined || ctx.message?.successful_payment !== undefined) return next();
    if (isAdmin(ctx)) return next();
    const state = await ctx.shop.services.maintenance.state();
    if (!state.on) return next();
    const platform = await ctx.shop.services.maintenance.platformView();
    if (ctx.from !== undefined && platform.operatorIds.includes(ctx.from.id)) return next();
    if (isAwaitedReceipt(ctx)) return next();

    const line = await backSoonLine(ctx);
    if (ctx.preCheckoutQuery) {
      await ctx.answerPreCheckoutQuery(false, { error_message: line });
    } else if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery({ text: line, show_alert: true }).catch(() => undefined);
    } else if (ctx.message && ctx.chat?.type === 'private' && ctx.from) {
      // a new maintenance (another moment it began) tells them again
      const period = `${state.shop.since?.getTime() ?? 0}:${state.platform.since?.getTime() ?? 0}`;
      if (shouldTell(`${ctx.shop.tenant.id}:${ctx.from.id}:${period}`)) await ctx.reply(line);
    }
    ctx.logger.debug({ platform: state.platform.on, shop: state.shop.on }, 'update held by maintenance');
  });
  return gate;
}

/**
 * The receipt the customer was asked for (a photo, a file or a text, not a command, while the card
 * shown still takes one): money that may already have been sent.
 */
function isAwaitedReceipt(ctx: BotContext): boolean {
  const awaiting = ctx.session.awaiting;
  const message = ctx.message;
  if (awaiting?.kind !== 'receipt' || !message || ctx.chat?.type !== 'private') return false;
  if (Date.now() - awaiting.at > RECEIPT_WINDOW_MS) return false;
  if ((message.text ?? '').startsWith('/')) return false;
  return (
    message.photo !== undefined ||
    message.document !== undefined ||
    (message.text ?? message.caption) !== undefined
  );
}

/** The shop's own words when it wrote some (setting `maintenance_message`), else the built-in line. */
async function backSoonLine(ctx: BotContext): Promise<string> {
  const custom = (await ctx.shop.services.settings.get('maintenance_message')).trim();
  return custom === '' ? ctx.t('mnt-back-soon') : custom;
}
