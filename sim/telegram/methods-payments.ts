// Invoices, pre-checkout answers and Star refunds.
import { badRequest, queryTooOld, requiredParam } from './api-error.js';
import type { MethodContext, MethodHandler } from './method-context.js';
import { isRecord, optBool, optJson, optString, reqInt, reqString } from './params.js';
import type { InvoiceData } from './state.js';
import { byteLength, randomToken } from './util.js';

function parseInvoice(ctx: MethodContext): InvoiceData {
  const params = ctx.params;
  const title = reqString(params, 'title');
  const description = reqString(params, 'description');
  const payload = reqString(params, 'payload');
  const currency = reqString(params, 'currency').toUpperCase();
  if (title.length > 32) throw badRequest('INVOICE_TITLE_INVALID');
  if (description.length > 255) throw badRequest('INVOICE_DESCRIPTION_INVALID');
  if (byteLength(payload) > 128) throw badRequest('INVOICE_PAYLOAD_INVALID');
  if (!/^[A-Z]{3}$/.test(currency)) throw badRequest('CURRENCY_INVALID');

  const prices = optJson(params, 'prices', "can't parse prices JSON object");
  if (prices === undefined) throw requiredParam('prices');
  if (!Array.isArray(prices) || prices.length === 0) throw badRequest("can't parse prices JSON object");
  let total = 0;
  for (const price of prices) {
    if (!isRecord(price) || typeof price.label !== 'string' || !Number.isInteger(price.amount)) {
      throw badRequest("can't parse prices JSON object");
    }
    total += price.amount as number;
  }

  const providerToken = optString(params, 'provider_token') ?? '';
  if (currency === 'XTR') {
    // Stars: no payment provider, exactly one price item in whole Stars, no tips.
    if (providerToken !== '') throw badRequest('PAYMENT_PROVIDER_INVALID');
    if (prices.length !== 1 || total <= 0) throw badRequest('STARS_INVOICE_INVALID');
    if (params.max_tip_amount !== undefined || params.suggested_tip_amounts !== undefined) {
      throw badRequest('STARS_INVOICE_INVALID');
    }
  } else {
    if (providerToken === '') throw badRequest('PAYMENT_PROVIDER_INVALID');
    if (total <= 0) throw badRequest('CURRENCY_TOTAL_AMOUNT_INVALID');
  }
  return { title, description, payload, currency, totalAmount: total };
}

const sendInvoice: MethodHandler = (ctx) => {
  const conversation = ctx.world.resolveChat(ctx.bot, ctx.params.chat_id, 'send');
  const invoice = parseInvoice(ctx);
  const startParameter = optString(ctx.params, 'start_parameter') ?? '';
  const stored = ctx.world.addMessage(
    conversation,
    { botId: ctx.bot.id },
    {
      invoice: {
        title: invoice.title,
        description: invoice.description,
        start_parameter: startParameter,
        currency: invoice.currency,
        total_amount: invoice.totalAmount,
      },
    },
    { invoice },
  );
  return stored.wire;
};

const createInvoiceLink: MethodHandler = (ctx) => {
  const invoice = parseInvoice(ctx);
  const link = `https://t.me/$${randomToken(22)}`;
  ctx.world.invoiceLinks.set(link, invoice);
  return link;
};

const answerPreCheckoutQuery: MethodHandler = (ctx) => {
  const id = reqString(ctx.params, 'pre_checkout_query_id');
  const ok = optBool(ctx.params, 'ok');
  if (ok === undefined) throw requiredParam('ok');
  const query = ctx.world.preCheckouts.get(id);
  if (!query || query.botId !== ctx.bot.id || query.answer || query.expired) throw queryTooOld();
  const errorMessage = optString(ctx.params, 'error_message');
  if (!ok && (errorMessage === undefined || errorMessage === '')) throw badRequest('ERROR_MESSAGE_EMPTY');
  query.answer = { ok, errorMessage };
  // Answered queries are done; the waiting payer holds the record itself.
  ctx.world.preCheckouts.delete(id);
  ctx.world.preCheckoutAnswered.emit(query);
  return true;
};

const refundStarPayment: MethodHandler = (ctx) => {
  const userId = reqInt(ctx.params, 'user_id');
  const chargeId = reqString(ctx.params, 'telegram_payment_charge_id');
  const charge = ctx.world.charges.get(chargeId);
  if (!charge || charge.botId !== ctx.bot.id) throw badRequest('CHARGE_ID_INVALID');
  if (charge.userId !== userId) throw badRequest('USER_ID_INVALID');
  if (charge.refunded) throw badRequest('CHARGE_ALREADY_REFUNDED');
  charge.refunded = true;
  return true;
};

export const paymentMethods: Record<string, MethodHandler> = {
  sendInvoice,
  createInvoiceLink,
  answerPreCheckoutQuery,
  refundStarPayment,
};
