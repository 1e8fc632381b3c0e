import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.js';
import { formatMoney } from '../../bot/format.js';
import { createTranslator, type Translate, type Translator } from '../../bot/i18n.js';
import { type CallbackOutcome, parseZarinpalPaymentRef } from '../../modules/payments/zarinpal-payments.js';
import { asBotId } from '../../shared/ids.js';
import type { Language } from '../../shared/language.js';

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

const direction = (language: Language) => (language === 'fa' ? 'rtl' : 'ltr');

function renderPage(language: Language, t: Translate, page: Page, botUsername: string | null): string {
  const back = botUsername
    ? `<a class="button" href="https://t.me/${encodeURIComponent(botUsername)}">${escapeHtml(t('zarinpal-page-back'))}</a>`
    : '';
  const lines = page.lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('');
  return renderDocument(
    language,
    page.title,
    `<div class="icon">${page.icon}</div><h1>${escapeHtml(page.title)}</h1>${lines}${back}`,
  );
}

/** The languages of a page that is the same for every shop. */
const EVERY_LANGUAGE: readonly Language[] = ['fa', 'en', 'ru'];

/**
 * A page that names no shop: in every language, because nothing ties the request to a shop whose
 * language we could use, and one page for all so the answer cannot tell which shops exist.
 */
function renderNeutralPage(translator: Translator, icon: string, titleKey: string, lineKey: string): string {
  const sections = EVERY_LANGUAGE.map((language) => {
    const t = translator.forLanguage(language);
    return `<section lang="${language}" dir="${direction(language)}"><h1>${escapeHtml(t(titleKey))}</h1><p>${escapeHtml(t(lineKey))}</p></section>`;
  }).join('');
  return renderDocument(
    'fa',
    translator.forLanguage('fa')(titleKey),
    `<div class="icon">${icon}</div>${sections}`,
  );
}

function renderDocument(language: Language, title: string, content: string): string {
  return `<!doctype html>
<html lang="${language}" dir="${direction(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
body{margin:0;font-family:Vazirmatn,Tahoma,system-ui,sans-serif;background:#f4f6f8;color:#1d2733;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;max-width:26rem;margin:1rem;padding:2rem;border-radius:1rem;box-shadow:0 2px 12px rgba(0,0,0,.08);text-align:center}
.icon{font-size:3rem}h1{font-size:1.3rem}p{line-height:1.7}section+section{border-top:1px solid #e3e8ee;margin-top:1rem}
.button{display:inline-block;margin-top:1rem;padding:.7rem 1.4rem;border-radius:.6rem;background:#229ed9;color:#fff;text-decoration:none}
</style>
</head>
<body><main>${content}</main></body>
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
  // Built once: the same bytes for every shop, known or not, and no per-shop lookup (no cache entry
  // an unknown id could add, no time that differs between shops).
  const invalidPage = renderNeutralPage(
    translator,
    '⚠️',
    'zarinpal-page-title-invalid',
    'zarinpal-page-invalid',
  );
  const laterPage = renderNeutralPage(translator, '⏳', 'zarinpal-page-title-pending', 'zarinpal-page-later');

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
      return reply.code(500).send(laterPage);
    }
    request.log.info(
      { botId: ref?.botId, outcome: outcome.status, gatewayStatus: hint?.Status },
      'zarinpal callback',
    );
    // An unknown shop, another shop's payment and a made-up id all get this page: answering in the
    // shop's language (as it once did) told anyone which shop ids exist.
    if (outcome.status === 'not_found') return reply.code(404).send(invalidPage);
    const t = translator.forLanguage(outcome.language);
    return reply
      .code(outcome.status === 'mismatch' ? 400 : 200)
      .send(renderPage(outcome.language, t, pageFor(outcome, t), outcome.botUsername));
  });
}
