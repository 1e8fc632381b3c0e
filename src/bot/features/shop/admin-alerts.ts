import type { Order } from '../../../modules/orders/pay-order.js';
import { saleRefusedAlert } from '../../../modules/wallet/sale-alert.js';
import type { BotContext } from '../../context.js';

/**
 * Tells the tenant's admins (admin chat when set, else each admin) that a sale was refused because
 * the shop's wholesale wallet cannot cover it. A failure to reach them is logged, never shown to
 * the customer.
 */
export async function alertAdminsOfRefusedSale(
  ctx: BotContext,
  order: Order,
  wallet?: { readonly balance: number; readonly missing: number },
): Promise<void> {
  const tenant = ctx.shop.tenant;
  const services = ctx.shop.services;
  const [chat, language, balance] = await Promise.all([
    services.settings.get('admin_chat_id'),
    services.settings.get('default_language'),
    wallet ? wallet.balance : services.wallet.balance(),
  ]);
  const targets = chat !== null ? [chat] : tenant.adminTelegramIds;
  ctx.logger.warn({ orderId: order.id, targets: targets.length }, 'sale refused: the wallet cannot cover it');
  const alert = saleRefusedAlert({
    orderId: order.id,
    planName: order.planName,
    balance,
    missing: wallet?.missing ?? 0,
  });
  const text = ctx.translator.t(language, alert.key, alert.args);
  for (const target of targets) {
    await ctx.api
      .sendMessage(target, text)
      .catch((error: unknown) => ctx.logger.warn({ err: error, target }, 'could not alert an admin'));
  }
}
