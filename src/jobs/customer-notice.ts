import type { Api } from 'grammy';
import type { App, TenantServices } from '../app.js';
import type { Fleet } from '../bot/fleet.js';
import type { Translate, Translator } from '../bot/i18n.js';
import type { Customer } from '../modules/customers/customers-service.js';
import type { Tenant } from '../modules/tenants/tenant-registry.js';
import type { BotId, CustomerId } from '../shared/ids.js';
import { RetryLater } from './define.js';

/** What a job that writes to a customer in Telegram needs. */
export interface CustomerNoticeDeps {
  readonly app: App;
  readonly fleet: Fleet;
  readonly translator: Translator;
}

/** The tenant's bot, running in this process: a notice is sent through it, by the tenant's own bot. */
export function runningBotApi(fleet: Fleet, botId: BotId): Api {
  const api = fleet.api(botId);
  // the bot is starting, or runs in another process: try again shortly
  if (!api) throw new RetryLater('bot not running here', 5_000);
  return api;
}

/** Who a notice is for, and their language; undefined when the customer or the tenant is gone. */
export async function noticeRecipient(
  deps: CustomerNoticeDeps,
  services: TenantServices,
  customerId: CustomerId,
): Promise<{ customer: Customer; tenant: Tenant; t: Translate } | undefined> {
  const [customer, tenant] = await Promise.all([
    services.customers.get(customerId),
    deps.app.platform.tenants.get(services.botId),
  ]);
  if (!customer || !tenant) return undefined;
  return { customer, tenant, t: deps.translator.forLanguage(customer.language) };
}
