import { z } from 'zod';
import type { TenantServices } from '../../app.js';
import { createTranslator, type Translator } from '../../bot/i18n.js';
import { defaultTextsFrom, HELP_PAGE_KINDS } from '../../modules/help/default-pages.js';
import {
  HELP_LANGUAGES,
  HELP_OWN_PAGES_MAX,
  type HelpPage,
  helpPageInput,
  helpPagePatch,
  pageText,
} from '../../modules/help/help-service.js';
import { HELP_BODY_MAX, HELP_TITLE_MAX } from '../../modules/help/help-text.js';
import type { Language } from '../../shared/language.js';
import { fromServiceError, notFound } from './errors.js';
import { type ApiContext, botIdParams, type Router } from './route.js';
import { isoOrNull, listOf } from './schemas.js';

const textView = z.object({
  title: z.string(),
  body: z.string(),
  source: z.enum(['shop', 'default', 'fallback']).meta({
    description:
      '`shop`: the shop’s own text in this language; `default`: the built-in text of a default page; ' +
      '`fallback`: the shop’s own page has no text in this language, so customers read it in another',
  }),
});

export const helpPageView = z.object({
  key: z.string().meta({
    description: 'A default page’s name (`guide-hiddify`, `faq-link`, ...) or `own-<id>` for the shop’s own',
  }),
  kind: z.enum(HELP_PAGE_KINDS).meta({ description: '`guide`: a connection guide; `faq`: a question' }),
  isDefault: z.boolean().meta({ description: 'One of the default pages every shop has' }),
  isHidden: z.boolean(),
  isChanged: z.boolean().meta({ description: 'A default page the shop changed; DELETE resets it' }),
  sortOrder: z.number().int(),
  texts: z
    .object({ fa: textView, en: textView, ru: textView })
    .meta({ description: 'What customers reading in each language see' }),
  updatedAt: z.string().nullable(),
});

const pageParams = botIdParams.extend({
  key: z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be a page key such as guide-hiddify or own-12'),
});

function toView(
  page: HelpPage,
  shopLanguage: Language,
  translator: Translator,
): z.infer<typeof helpPageView> {
  const defaults = defaultTextsFrom(translator.t);
  const textIn = (language: Language): z.infer<typeof textView> => {
    const text = pageText(page, language, shopLanguage, defaults);
    const source = page.texts[language] ? 'shop' : page.isDefault ? 'default' : 'fallback';
    return { title: text.title, body: text.body, source };
  };
  return {
    key: page.key,
    kind: page.kind,
    isDefault: page.isDefault,
    isHidden: page.isHidden,
    isChanged: page.isChanged,
    sortOrder: page.sortOrder,
    texts: { fa: textIn('fa'), en: textIn('en'), ru: textIn('ru') },
    updatedAt: isoOrNull(page.updatedAt),
  };
}

const LIMITS =
  `Texts are plain text (sent without a parse mode): a title of 1 to ${HELP_TITLE_MAX} characters on ` +
  `one line (the page’s button) and a body of 1 to ${HELP_BODY_MAX}, so a page fits one Telegram message.`;

/**
 * Help pages: the FAQ and connection guides customers read from "Help" in a bot's main menu.
 * Default pages (a guide per app, a few questions) exist in every bot until changed; a bot adds its
 * own, writes texts per language, hides, orders and resets them.
 */
export function registerHelpRoutes(
  { botRoute }: Router,
  _context: ApiContext,
  translator = createTranslator(),
) {
  const tag = 'help';
  const pageNotFound = (key: string) => notFound(`help page ${key}`);
  const viewFor = async (services: TenantServices) => {
    const shopLanguage = await services.settings.get('default_language');
    return (page: HelpPage) => toView(page, shopLanguage, translator);
  };

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/help-pages',
      tag,
      summary: 'Help pages of a bot',
      description:
        'Every page, hidden ones included, in the order customers see them, with the text each language shows.',
      responses: { 200: { description: 'The pages', schema: listOf(helpPageView) } },
    },
    async ({ services }) => {
      const view = await viewFor(services);
      return { items: (await services.help.findPages()).map(view) };
    },
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/help-pages',
      tag,
      summary: 'Add a page of the bot’s own',
      description: `A question (\`kind: faq\`, the default) or a guide, with a text in at least one of ${HELP_LANGUAGES.join(', ')}; placed after the others unless \`sortOrder\` is given. At most ${HELP_OWN_PAGES_MAX} per bot (409 past it). ${LIMITS}`,
      body: helpPageInput.strict(),
      responses: { 201: { description: 'Created', schema: helpPageView } },
    },
    async ({ services, body, reply }) => {
      const created = await services.help.create(body);
      if (!created.ok) throw fromServiceError(created.error);
      reply.code(201);
      return (await viewFor(services))(created.value);
    },
  );

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/help-pages/:key',
      tag,
      summary: 'One help page',
      params: pageParams,
      responses: { 200: { description: 'The page', schema: helpPageView } },
    },
    async ({ services, params }) => {
      const page = await services.help.getPage(params.key);
      if (!page) throw pageNotFound(params.key);
      return (await viewFor(services))(page);
    },
  );

  botRoute(
    {
      method: 'PUT',
      url: '/bots/:id/help-pages/:key',
      tag,
      summary: 'Change a help page',
      description: `Fields left out keep their value. \`texts.<language>: null\` brings a default page’s text in that language back to the built-in one, or removes the text of the bot’s own page (which keeps at least one). ${LIMITS}`,
      params: pageParams,
      body: helpPagePatch.strict(),
      responses: { 200: { description: 'The changed page', schema: helpPageView } },
    },
    async ({ services, params, body }) => {
      const updated = await services.help.update(params.key, body);
      if (!updated.ok) throw fromServiceError(updated.error);
      if (!updated.value) throw pageNotFound(params.key);
      return (await viewFor(services))(updated.value);
    },
  );

  botRoute(
    {
      method: 'DELETE',
      url: '/bots/:id/help-pages/:key',
      tag,
      summary: 'Reset a default page, or delete a page of the bot’s own',
      description:
        'A default page gets its built-in texts, place and visibility back (200 with the page); the ' +
        'bot’s own page is deleted (204).',
      params: pageParams,
      responses: {
        200: { description: 'A default page, reset', schema: helpPageView },
        204: { description: 'Deleted' },
      },
    },
    async ({ services, params, reply }) => {
      const removed = await services.help.reset(params.key);
      if (!removed) throw pageNotFound(params.key);
      if (removed.status === 'reset') return (await viewFor(services))(removed.page);
      return reply.code(204).send();
    },
  );
}
