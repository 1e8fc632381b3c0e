import type { Api } from 'grammy';
import type { App, TenantServices } from '../../app.js';
import type { Customer } from '../../modules/customers/customers-service.js';
import type { Tenant } from '../../modules/tenants/tenant-registry.js';
import { asCustomerId, type BotId, type CustomerId, type LedgerEntryId } from '../../shared/ids.js';
import { backToMenu } from '../features/keyboards.js';
import { formatMoney } from '../format.js';
import type { Translate } from '../i18n.js';

/** What createNotices lends these notices: the running bot, who a notice is for, and delivery. */
export interface ReferralNoticeDeps {
  readonly app: App;
  readonly runningBotApi: (botId: BotId) => Api;
  readonly recipient: (
    services: TenantServices,
    customerId: CustomerId,
  ) => Promise<{ readonly customer: Customer; readonly tenant: Tenant; readonly t: Translate } | undefined>;
  readonly deliver: (
    services: TenantServices,
    customer: Customer,
    send: () => Promise<unknown>,
  ) => Promise<void>;
}

const firstName = (customer: Customer | undefined): string =>
  customer ? customer.firstName || (customer.username ? `@${customer.username}` : `#${customer.id}`) : '–';

/** The referral rewards' notices: a customer is told what was credited to them and why. */
export function referralNoticeSenders({ app, runningBotApi, recipient, deliver }: ReferralNoticeDeps) {
  return {
    /**
     * Tells a customer about a referral reward credited to them: their own first-top-up bonus, or
     * (as the inviter) the bonus or commission a friend's payment earned, with the balance now.
     */
    async referralReward(botId: BotId, entryId: number, invitedId: number): Promise<void> {
      const api = runningBotApi(botId);
      const services = app.forTenant(botId);
      const reward = await services.referral.getReward(entryId as LedgerEntryId);
      if (!reward) return;
      const customerId = asCustomerId(reward.entry.customerId);
      const [to, friend, balance] = await Promise.all([
        recipient(services, customerId),
        reward.role === 'invited' ? undefined : services.customers.get(asCustomerId(invitedId)),
        services.ledger.balance(customerId),
      ]);
      if (!to) return;
      const { customer, tenant, t } = to;
      const money = (amount: number) => formatMoney(amount, tenant.currency, customer.language, t);
      const args = {
        amount: money(reward.entry.amount),
        balance: money(balance ?? 0),
        friend: firstName(friend),
      };
      const text = t(`referral-notice-${reward.role}`, args);
      await deliver(services, customer, () =>
        api.sendMessage(customer.telegramId, text, { reply_markup: backToMenu(t) }),
      );
    },
  };
}
