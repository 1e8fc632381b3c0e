import { InlineKeyboard } from 'grammy';
import type { Customer } from '../../../modules/customers/customers-service.js';
import type { Subscription } from '../../../modules/subscriptions/subscriptions-service.js';
import { asCustomerId, asSubscriptionId, type CustomerId, type SubscriptionId } from '../../../shared/ids.js';
import { MAX_MONEY } from '../../../shared/money.js';
import { callbackData, id, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import { type AwaitingOf, type BotContext, confirmingOf } from '../../context.js';
import { formatDate, formatMoney, formatNumber, formatTraffic } from '../../format.js';
import type { Section } from '../section.js';
import { orderLabel, SUBSCRIPTION_STATUS_KEYS, trafficLimitText } from '../shop/view.js';
import {
  adminCancelButton,
  answer,
  ask,
  backKeyboard,
  clearInput,
  money,
  parseWhole,
  replyWithCancel,
  show,
  showNotFound,
  withHome,
} from './admin-ui.js';
import { addModerationRow, bannedLine, customerActions } from './customer-actions.js';
import { customerGroupButton } from './groups.js';

const SEARCH_LIMIT = 10;
const RECENT_ORDERS = 5;
const MAX_QUERY = 64;
const MAX_REASON = 200;
const MAX_CREDIT = 1_000_000_000_000;

const customersButton = callbackData('adm:customers');
const customerButton = callbackData('adm:cust', { customerId: id(asCustomerId) });
const creditButton = callbackData('adm:cust', { customerId: id(asCustomerId), credit: 'credit' });
const confirmCreditButton = callbackData('adm:cust', {
  customerId: id(asCustomerId),
  credit: 'credit',
  ok: 'ok',
});
/** Creates again on the panel a subscription whose panel user the panel deleted. */
const reprovisionButton = callbackData('adm:cust', {
  customerId: id(asCustomerId),
  reprovision: 'rp',
  subscriptionId: id(asSubscriptionId),
});

const ORDER_STATUS_KEYS = {
  created: 'adm-order-created',
  paid: 'adm-order-paid',
  provisioning: 'adm-order-provisioning',
  active: 'adm-order-active',
  cancelled: 'adm-order-cancelled',
} as const;

const nameOf = (customer: Customer) =>
  [customer.firstName, customer.lastName].filter(Boolean).join(' ') || `#${customer.id}`;

const customerLabel = (customer: Customer) =>
  `${nameOf(customer)}${customer.username ? ` @${customer.username}` : ''} · ${customer.telegramId}`;

async function askCustomerSearch(ctx: BotContext): Promise<void> {
  clearInput(ctx);
  await ask(ctx, { kind: 'admin-customer-search' }, ctx.t('adm-customers-ask'));
}

/** By Telegram id, @username or a fragment of the name; one match opens, several make a list. */
async function receiveCustomerSearch(ctx: BotContext, text: string): Promise<void> {
  const query = text.trim();
  if (query.length === 0 || query.length > MAX_QUERY) return replyWithCancel(ctx, ctx.t('adm-customers-ask'));
  const found = await ctx.shop.services.customers.search(query, { limit: SEARCH_LIMIT });
  if (found.length === 0) return replyWithCancel(ctx, ctx.t('adm-customers-none', { query }));
  clearInput(ctx);
  const [only] = found;
  if (found.length === 1 && only) return showCustomer(ctx, asCustomerId(only.id));
  const keyboard = new InlineKeyboard();
  for (const customer of found)
    keyboard
      .text(customerLabel(customer), customerButton.build({ customerId: asCustomerId(customer.id) }))
      .row();
  withHome(keyboard.text(ctx.t('adm-btn-search-again'), customersButton.build()), ctx.t);
  await ctx.reply(ctx.t('adm-customers-found', { count: found.length, limit: SEARCH_LIMIT }), {
    reply_markup: keyboard,
  });
}

const customerNotFound = (ctx: BotContext) =>
  showNotFound(ctx, 'adm-customer-not-found', customersButton.build());

/** Balance, language, subscription and recent orders of one customer, with "credit balance". */
async function showCustomer(ctx: BotContext, id: CustomerId, prefix?: string): Promise<void> {
  const services = ctx.shop.services;
  const customer = await services.customers.get(id);
  if (!customer) return customerNotFound(ctx);
  const [orders, timeZone, owned] = await Promise.all([
    services.orders.findByCustomer(customer.id, RECENT_ORDERS),
    services.settings.get('timezone'),
    services.subscriptions.listForCustomer(customer.id),
  ]);
  const lost = owned.filter((each) => each.lostAt !== null);
  const date = (value: Date) => formatDate(value, ctx.language, timeZone);
  // one line per subscription, named when the customer owns several
  const subscriptionLines = owned.map((each) => {
    const line = ctx.t('adm-customer-subscription', {
      status: ctx.t(SUBSCRIPTION_STATUS_KEYS[each.status]),
      expires: each.expiresAt ? date(each.expiresAt) : '–',
      used: formatTraffic(each.usedTrafficBytes, ctx.language, ctx.t),
      limit: trafficLimitText(each.trafficLimitBytes, ctx),
    });
    return owned.length > 1
      ? `${ctx.t('subscription-name', { number: ordinalText(ctx, each) })}: ${line}`
      : line;
  });
  const subscriptionText =
    subscriptionLines.length > 0 ? subscriptionLines.join('\n') : ctx.t('adm-customer-no-subscription');
  const lostLines = lost.map((each) => ctx.t('adm-customer-lost', { number: ordinalText(ctx, each) }));
  const orderLines = orders.map((order) =>
    ctx.t('adm-customer-order', {
      id: String(order.id),
      plan: orderLabel(order, ctx) || '–',
      price: money(ctx, order.price),
      status: ctx.t(ORDER_STATUS_KEYS[order.status]),
      date: date(order.createdAt),
    }),
  );
  const card = ctx.t('adm-customer-card', {
    name: nameOf(customer),
    username: customer.username ? `@${customer.username}` : '–',
    telegramId: String(customer.telegramId),
    id: String(customer.id),
    balance: money(ctx, customer.balance),
    language: customer.language,
    joined: date(customer.createdAt),
    subscription: [subscriptionText, ...lostLines].join('\n'),
    orders: orderLines.length > 0 ? orderLines.join('\n') : ctx.t('adm-customer-no-orders'),
  });
  const banned = bannedLine(ctx, customer);
  const text = banned ? `${banned}\n\n${card}` : card;
  const keyboard = new InlineKeyboard();
  for (const each of lost) {
    keyboard
      .text(
        ctx.t('adm-btn-reprovision', { number: ordinalText(ctx, each) }),
        reprovisionButton.build({ customerId: id, subscriptionId: asSubscriptionId(each.id) }),
      )
      .row();
  }
  keyboard.text(ctx.t('adm-btn-credit'), creditButton.build({ customerId: id })).row();
  keyboard.text(ctx.t('adm-btn-customer-group'), customerGroupButton.build({ customerId: id })).row();
  addModerationRow(keyboard, ctx, customer);
  keyboard.text(ctx.t('adm-btn-search-again'), customersButton.build());
  withHome(keyboard, ctx.t);
  await show(ctx, prefix ? `${prefix}\n\n${text}` : text, keyboard);
}

/** A subscription as the admin tells it from the customer's others: its number, in the admin's digits. */
const ordinalText = (ctx: BotContext, subscription: Subscription) =>
  formatNumber(subscription.ordinal, ctx.language);

/**
 * "Restore on the panel" pressed: the panel user the panel deleted is created again with what the
 * customer paid for (expiry and limits unchanged). A second press finds it there and changes
 * nothing; a subscription that ran out meanwhile has nothing to restore.
 */
async function reprovision(ctx: BotContext, customerId: CustomerId, subscriptionId: SubscriptionId) {
  const services = ctx.shop.services;
  // only a subscription of this customer, in this shop: a forged press reaches nothing else
  const subscription = await services.subscriptions.getOwned(customerId, subscriptionId);
  if (!subscription) {
    await answer(ctx);
    return customerNotFound(ctx);
  }
  let outcome: Awaited<ReturnType<typeof services.subscriptions.reprovision>>;
  try {
    outcome = await services.subscriptions.reprovision(subscriptionId);
  } catch (error) {
    ctx.logger.warn({ err: error, subscriptionId }, 'could not restore a subscription on the panel');
    await answer(ctx, { text: ctx.t('adm-reprovision-unavailable'), show_alert: true });
    return;
  }
  ctx.logger.info(
    { subscriptionId, admin: ctx.from?.id, outcome },
    'an admin restored a subscription on the panel',
  );
  switch (outcome) {
    case 'restored': {
      const done = ctx.t('adm-reprovision-done', { number: ordinalText(ctx, subscription) });
      await answer(ctx, { text: done });
      return showCustomer(ctx, customerId, done);
    }
    case 'expired':
      await answer(ctx, { text: ctx.t('adm-reprovision-expired'), show_alert: true });
      return;
    case 'not_found':
      await answer(ctx);
      return customerNotFound(ctx);
    default: {
      const never: never = outcome;
      throw new Error(`unhandled reprovision outcome ${String(never)}`);
    }
  }
}

async function askCreditAmount(ctx: BotContext, id: CustomerId): Promise<void> {
  const customer = await ctx.shop.services.customers.get(id);
  if (!customer) return customerNotFound(ctx);
  clearInput(ctx);
  await ask(
    ctx,
    { kind: 'admin-credit-amount', customerId: id },
    ctx.t('adm-credit-ask-amount', { name: nameOf(customer), balance: money(ctx, customer.balance) }),
  );
}

async function receiveCreditAmount(
  ctx: BotContext,
  { customerId }: AwaitingOf<'admin-credit-amount'>,
  text: string,
): Promise<void> {
  const amount = parseWhole(text);
  if (amount === undefined || amount <= 0 || amount > MAX_CREDIT)
    return replyWithCancel(ctx, ctx.t('adm-credit-bad-amount'));
  ctx.session.awaiting = { kind: 'admin-credit-reason', customerId, amount };
  await replyWithCancel(ctx, ctx.t('adm-credit-ask-reason', { amount: money(ctx, amount) }));
}

/** The reason is required; then the credit waits for a press of Confirm on its own message. */
async function receiveCreditReason(
  ctx: BotContext,
  { customerId: id, amount }: AwaitingOf<'admin-credit-reason'>,
  text: string,
): Promise<void> {
  const reason = text.trim();
  if (reason.length === 0 || reason.length > MAX_REASON)
    return replyWithCancel(ctx, ctx.t('adm-credit-bad-reason'));
  const customer = await ctx.shop.services.customers.get(id);
  if (!customer) return customerNotFound(ctx);
  ctx.session.awaiting = undefined;
  const sent = await ctx.reply(
    ctx.t('adm-credit-confirm', { name: nameOf(customer), amount: money(ctx, amount), reason }),
    {
      reply_markup: new InlineKeyboard()
        .text(ctx.t('adm-btn-confirm'), confirmCreditButton.build({ customerId: id }))
        .text(ctx.t('adm-btn-cancel'), adminCancelButton.build()),
    },
  );
  ctx.session.confirming = {
    kind: 'admin-credit',
    customerId: id,
    amount,
    reason,
    confirmMessageId: sent.message_id,
  };
}

/**
 * Confirm pressed. The ledger reference names the confirmation message, so a double press or a
 * redelivered update credits once; the pending credit is forgotten after the first.
 */
async function confirmCredit(ctx: BotContext, id: CustomerId): Promise<void> {
  const pending = confirmingOf(ctx.session, 'admin-credit');
  const message = ctx.callbackQuery?.message;
  if (
    !message ||
    !ctx.from ||
    pending?.customerId !== id ||
    pending.confirmMessageId !== message.message_id
  ) {
    await answer(ctx, { text: ctx.t('adm-credit-expired'), show_alert: true });
    return;
  }
  const result = await ctx.shop.services.ledger.credit({
    customerId: id,
    amount: pending.amount,
    kind: 'admin_credit',
    reason: pending.reason,
    createdBy: ctx.from.id,
    externalRef: `adm-credit:${message.chat.id}:${message.message_id}`,
  });
  clearInput(ctx);
  switch (result.status) {
    case 'posted':
    case 'duplicate': {
      await answer(ctx, { text: ctx.t('adm-credit-done-short') });
      ctx.logger.info(
        { customerId: id, amount: pending.amount, admin: ctx.from.id, status: result.status },
        'balance credited by a tenant admin',
      );
      if (result.status === 'posted') await notifyCustomer(ctx, id, pending.amount, result.balance);
      await show(
        ctx,
        ctx.t('adm-credit-done', { amount: money(ctx, pending.amount), balance: money(ctx, result.balance) }),
        backKeyboard(ctx.t, customerButton.build({ customerId: id })),
      );
      return;
    }
    case 'no_customer':
      await answer(ctx);
      return customerNotFound(ctx);
    case 'over_limit':
      await answer(ctx, {
        text: ctx.t('adm-credit-over-limit', { max: money(ctx, MAX_MONEY), room: money(ctx, result.room) }),
        show_alert: true,
      });
      return;
    case 'insufficient':
    case 'invalid':
      await answer(ctx, { text: ctx.t('adm-credit-bad-amount'), show_alert: true });
      return;
    default: {
      const never: never = result;
      throw new Error(`unhandled credit result ${JSON.stringify(never)}`);
    }
  }
}

/** The customer learns about the credit in their language; a customer who blocked the bot is skipped. */
async function notifyCustomer(
  ctx: BotContext,
  id: CustomerId,
  amount: number,
  balance: number,
): Promise<void> {
  const customer = await ctx.shop.services.customers.get(id);
  // a banned customer is sent nothing but the ban's own notice
  if (!customer || customer.isBlocked) return;
  const t = ctx.translator.forLanguage(customer.language);
  const currency = ctx.shop.tenant.currency;
  await ctx.api
    .sendMessage(
      customer.telegramId,
      t('adm-credit-customer-notice', {
        amount: formatMoney(amount, currency, customer.language, t),
        balance: formatMoney(balance, currency, customer.language, t),
      }),
    )
    .catch((error: unknown) =>
      ctx.logger.info({ err: error, customerId: id }, 'credit notice not delivered'),
    );
}

/** Ban, unban and write to the customer, from their card. */
const actions = customerActions({
  showCustomer: (ctx, id, prefix) => showCustomer(ctx, id, prefix),
  customerData: (customerId) => customerButton.build({ customerId }),
  searchData: customersButton.build(),
});

function customersButtons(): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  buttons.use(actions.composer);
  onPress(buttons, customersButton, async (ctx) => {
    await answer(ctx);
    await askCustomerSearch(ctx);
  });
  onPress(buttons, customerButton, async (ctx, { customerId }) => {
    await answer(ctx);
    clearInput(ctx);
    await showCustomer(ctx, customerId);
  });
  onPress(buttons, creditButton, async (ctx, { customerId }) => {
    await answer(ctx);
    await askCreditAmount(ctx, customerId);
  });
  onPress(buttons, confirmCreditButton, (ctx, { customerId }) => confirmCredit(ctx, customerId));
  onPress(buttons, reprovisionButton, (ctx, { customerId, subscriptionId }) =>
    reprovision(ctx, customerId, subscriptionId),
  );
  return buttons;
}

/**
 * Customers: looked up by Telegram id, @username or name; their card; a balance credit, confirmed
 * once; a subscription the panel lost, restored on it; a ban, lifted, and a message to them.
 */
export const customersSection: Section = {
  button: (ctx) => ({ text: ctx.t('adm-btn-customers'), data: customersButton.build() }),
  composer: customersButtons(),
  onText: {
    'admin-customer-search': (ctx, _search, text) => receiveCustomerSearch(ctx, text),
    'admin-credit-amount': receiveCreditAmount,
    'admin-credit-reason': receiveCreditReason,
    ...actions.onText,
  },
};
