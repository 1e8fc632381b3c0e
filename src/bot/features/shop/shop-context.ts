import type { TenantServices } from '../../../app.js';
import type { Language } from '../../../shared/language.js';
import type { Currency } from '../../../shared/money.js';
import type { BotContext } from '../../context.js';
import type { Translate } from '../../i18n.js';
import type { ViewContext } from './view.js';

/** Language, currency, time zone and clock for rendering money and dates to a customer. */
export async function viewContextFor(
  services: TenantServices,
  t: Translate,
  language: Language,
  currency: Currency,
): Promise<ViewContext> {
  return { t, language, currency, timeZone: await services.settings.get('timezone'), now: new Date() };
}

export const viewContext = (ctx: BotContext): Promise<ViewContext> =>
  viewContextFor(ctx.shop.services, ctx.t, ctx.language, ctx.shop.tenant.currency);

/** Edits the pressed message's buttons away so an old offer cannot be pressed again. */
export async function retireButtons(ctx: BotContext): Promise<void> {
  await ctx.editMessageReplyMarkup().catch(() => undefined);
}
