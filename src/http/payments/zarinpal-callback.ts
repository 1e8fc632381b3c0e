import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.js';
import { formatMoney } from '../../bot/format.js';
import { createTranslator, type Translate, type Translator } from '../../bot/i18n.js';
import type { Language } from '../../db/schema.js';
import { type CallbackOutcome, parseZarinpalPaymentRef } from '../../modules/payments/zarinpal-payments.js';
import { asBotId } from '../../shared/ids.js';

export interface ZarinpalCallbackOptions {
  readonly app: App;
  readonly translator?: Translator;
}

const params = z.object({ paymentId: z.string().max(100) });
// The gateway sends `Authority` and `Status`; anything else (an `Amount` someone added) is ignored.
const query = z
  .object({ Authority: z.string().max(100).optional(), Status: z.string().max(10).optional() })
  .loose();

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

interface Page {
  readonly icon: string;
  readonly title: string;
  readonly lines: readonly string[];
}

function renderPage(language: Language, t: Translate, page: Page, botUsername: string | null): string {
  const back = botUsername
    ? `<a class="button" href="https://t.me/${encodeURIComponent(botUsername)}">${escapeHtml(t('zarinpal-page-back'))}</a>`
    : '';
  const lines = page.lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('');
  return `<!doctype html>
<html lang="${language}" dir="${language === 'fa' ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(page.title)}</title>
<style>
body{margin:0;font-family:Vazirmatn,Tahoma,system-ui,sans-serif;background:#f4f6f8;color:#1d2733;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;max-width:26rem;margin:1rem;padding:2rem;border-radius:1rem;box-shadow:0 2px 12px rgba(0,0,0,.08);text-align:center}
.icon{font-size:3rem}h1{font-size:1.3rem}p{line-height:1.7}
.button{display:inline-block;margin-top:1rem;padding:.7rem 1.4rem;border-radius:.6rem;background:#229ed9;color:#fff;text-decoration:none}
</style>
</head>
<body><main><div class="icon">${page.icon}</div><h1>${escapeHtml(page.title)}</h1>${lines}${back}</main></body>
</html>
`;
}

function pageFor(outcome: Exclude<CallbackOutcome, { status: 'not_found' }>, t: Translate): Page {
  const amount = formatMoney(outcome.payment.amount, outcome.currency, outcome.language, t);
  switch (outcome.status) {
    case 'paid':
      return {
        icon: '✅',
        title: t('zarinpal-page-title-paid'),
        lines: [
          t('zarinpal-page-paid', { amount }),
          ...(outcome.payment.refId ? [t('zarinpal-page-ref', { ref: outcome.payment.refId })] : []),
        ],
      };
    case 'failed':
      return {
        icon: '❌',
        title: t('zarinpal-page-title-failed'),
        lines: [t(`zarinpal-problem-${outcome.problem}`)],
      };
    case 'not_paid':
      return { icon: '⚠️', title: t('zarinpal-page-title-unpaid'), lines: [t('zarinpal-problem-unpaid')] };
    case 'pending':
      return {
        icon: '⏳',
        title: t('zarinpal-page-title-pending'),
        lines: [t('zarinpal-page-pending', { amount })],
      };
    case 'mismatch':
      return { icon: '⚠️', title: t('zarinpal-page-title-invalid'), lines: [t('zarinpal-page-invalid')] };
    default: {
      const never: never = outcome;
      throw new Error(`unhandled callback outcome ${JSON.stringify(never)}`);
    }
  }
}

/**
 * `GET /pay/zarinpal/:paymentId`: where the gateway sends the customer's browser back. The query is
 * a hint; the payments module verifies with what we stored, credits once, and the answer is a small
 * page in the customer's language with a link back to the bot. The customer is also told in
 * Telegram, by a job enqueued with the credit.
 */
export async function zarinpalCallbackRoutes(
  server: FastifyInstance,
  options: ZarinpalCallbackOptions,
): Promise<void> {
  const translator = options.translator ?? createTranslator();
  const { app } = options;

  server.get('/pay/zarinpal/:paymentId', async (request, reply) => {
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      // the page's URL names the payment: it must not travel to t.me as a referrer
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    const ref = parseZarinpalPaymentRef(params.safeParse(request.params).data?.paymentId ?? '');
    const hint = query.safeParse(request.query).data;
    let outcome: CallbackOutcome;
    try {
      outcome = ref
        ? await app
            .forTenant(asBotId(ref.botId))
            .zarinpal.handleCallback({ publicId: ref.publicId, authority: hint?.Authority })
        : { status: 'not_found' };
    } catch (error) {
      // nothing was lost: the payment is still pending and reconciliation settles it
      request.log.error({ err: error, botId: ref?.botId }, 'zarinpal callback failed');
      const t = translator.forLanguage('fa');
      const page = { icon: '⏳', title: t('zarinpal-page-title-pending'), lines: [t('zarinpal-page-later')] };
      return reply.code(500).send(renderPage('fa', t, page, null));
    }
    request.log.info(
      { botId: ref?.botId, outcome: outcome.status, gatewayStatus: hint?.Status },
      'zarinpal callback',
    );
    if (outcome.status === 'not_found') {
      const language: Language = ref
        ? await app
            .forTenant(asBotId(ref.botId))
            .settings.get('default_language')
            .catch(() => 'fa' as const)
        : 'fa';
      const t = translator.forLanguage(language);
      const page = {
        icon: '⚠️',
        title: t('zarinpal-page-title-invalid'),
        lines: [t('zarinpal-page-invalid')],
      };
      return reply.code(404).send(renderPage(language, t, page, null));
    }
    const t = translator.forLanguage(outcome.language);
    return reply
      .code(outcome.status === 'mismatch' ? 400 : 200)
      .send(renderPage(outcome.language, t, pageFor(outcome, t), outcome.botUsername));
  });
}
