import { InlineKeyboard } from 'grammy';
import {
  HELP_LANGUAGES,
  HELP_OWN_PAGES_MAX,
  type HelpPage,
  pageText,
} from '../../../modules/help/help-service.js';
import {
  formatHelpPage,
  HELP_BODY_MAX,
  HELP_TITLE_MAX,
  type HelpTextInput,
  splitTypedPage,
} from '../../../modules/help/help-text.js';
import type { Language } from '../../../shared/language.js';
import { callbackData, oneOf, onPress, token } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { AwaitingOf, BotContext } from '../../context.js';
import { formatNumber } from '../../format.js';
import { defaultHelpTexts, helpPageIcon, readerText, readerTexts } from '../menu/help.js';
import type { Section } from '../section.js';
import { answer, ask, clearInput, replyWithCancel, show, showNotFound, withHome } from './admin-ui.js';

const pageKey = token(/[a-z0-9-]{1,32}/);
const languages = oneOf(HELP_LANGUAGES);

const helpPagesButton = callbackData('adm:help');
const newPageButton = callbackData('adm:help:new');
const pageButton = callbackData('adm:help:p', { key: pageKey });
const visibilityButton = callbackData('adm:help:p', { key: pageKey, to: oneOf(['hide', 'show']) });
const moveButton = callbackData('adm:help:p', { key: pageKey, direction: oneOf(['up', 'down']) });
const editButton = callbackData('adm:help:p', { key: pageKey, edit: 'e', language: languages });
/** Reset (a default page) or delete (the shop's own): asked first, then done with `yes`. */
const removeButton = callbackData('adm:help:p', { key: pageKey, remove: 'rm' });
const removeConfirmButton = callbackData('adm:help:p', { key: pageKey, remove: 'rm', sure: 'yes' });

/** A preview is a taste of the page, so the card stays one message with room to spare. */
const PREVIEW_MAX = 1200;
const preview = (text: string) => (text.length > PREVIEW_MAX ? `${text.slice(0, PREVIEW_MAX)}…` : text);

const languageName = (ctx: BotContext, language: Language) => ctx.t('adm-help-language', { language });
const number = (ctx: BotContext, value: number) => formatNumber(value, ctx.language);

const notFound = (ctx: BotContext) => showNotFound(ctx, 'adm-help-not-found', helpPagesButton.build());

async function showPages(ctx: BotContext): Promise<void> {
  const pages = await ctx.shop.services.help.findPages();
  const keyboard = new InlineKeyboard();
  const lines: string[] = [];
  const textOf = await readerTexts(ctx);
  for (const [index, page] of pages.entries()) {
    const { title } = textOf(page);
    const marks = `${page.isHidden ? '🙈 ' : ''}${Object.keys(page.texts).length > 0 ? '✏️ ' : ''}`;
    lines.push(ctx.t('adm-help-line', { position: number(ctx, index + 1), marks, title }));
    keyboard
      .text(`${page.isHidden ? '🙈' : helpPageIcon(page.kind)} ${title}`, pageButton.build({ key: page.key }))
      .row();
  }
  keyboard.text(ctx.t('adm-btn-help-new'), newPageButton.build()).row();
  withHome(keyboard, ctx.t);
  await show(ctx, [ctx.t('adm-help-title'), '', ...lines].join('\n'), keyboard);
}

/** The state of a page's text in one language, as its card lists it. */
function textState(page: HelpPage, language: Language): 'own' | 'default' | 'none' {
  if (page.texts[language]) return 'own';
  return page.isDefault ? 'default' : 'none';
}

async function showPage(ctx: BotContext, key: string): Promise<void> {
  const pages = await ctx.shop.services.help.findPages();
  const index = pages.findIndex((page) => page.key === key);
  const page = pages[index];
  if (!page) return notFound(ctx);
  const text = await readerText(ctx, page);
  const keyboard = new InlineKeyboard();
  for (const language of HELP_LANGUAGES)
    keyboard.text(
      ctx.t('adm-btn-help-edit', { language: languageName(ctx, language) }),
      editButton.build({ key, language }),
    );
  keyboard.row();
  if (index > 0) keyboard.text(ctx.t('adm-btn-move-up'), moveButton.build({ key, direction: 'up' }));
  if (index < pages.length - 1)
    keyboard.text(ctx.t('adm-btn-move-down'), moveButton.build({ key, direction: 'down' }));
  keyboard
    .row()
    .text(
      ctx.t(page.isHidden ? 'adm-btn-help-show' : 'adm-btn-help-hide'),
      visibilityButton.build({ key, to: page.isHidden ? 'show' : 'hide' }),
    );
  // a default page as built in has nothing to reset
  if (!page.isDefault) keyboard.text(ctx.t('adm-btn-help-delete'), removeButton.build({ key }));
  else if (page.isChanged) keyboard.text(ctx.t('adm-btn-reset'), removeButton.build({ key }));
  keyboard.row().text(ctx.t('adm-btn-back'), helpPagesButton.build());
  withHome(keyboard, ctx.t);
  const texts = HELP_LANGUAGES.map((language) =>
    ctx.t('adm-help-card-text-line', {
      language: languageName(ctx, language),
      state: ctx.t('adm-help-text-state', { state: textState(page, language) }),
    }),
  ).join('\n');
  const origin = page.isDefault
    ? page.isChanged
      ? 'adm-help-origin-changed'
      : 'adm-help-origin-default'
    : 'adm-help-origin-own';
  const card = ctx.t('adm-help-card', {
    kind: ctx.t('adm-help-kind', { kind: page.kind }),
    title: text.title,
    position: number(ctx, index + 1),
    count: number(ctx, pages.length),
    status: ctx.t(page.isHidden ? 'adm-help-status-hidden' : 'adm-help-status-shown'),
    origin: ctx.t(origin),
    texts,
    preview: preview(formatHelpPage(text)),
  });
  await show(ctx, card, keyboard);
}

async function askText(ctx: BotContext, key: string, language: Language): Promise<void> {
  const page = await ctx.shop.services.help.getPage(key);
  if (!page) return notFound(ctx);
  clearInput(ctx);
  const shopLanguage = await ctx.shop.services.settings.get('default_language');
  const current = pageText(page, language, shopLanguage, defaultHelpTexts(ctx.translator));
  const prompt = ctx.t('adm-help-ask-text', {
    title: (await readerText(ctx, page)).title,
    language: languageName(ctx, language),
    titleMax: number(ctx, HELP_TITLE_MAX),
    bodyMax: number(ctx, HELP_BODY_MAX),
  });
  await ask(ctx, { kind: 'admin-help-text', key, language }, `${prompt}\n\n${formatHelpPage(current)}`);
}

/**
 * The typed page, checked here so the admin reads what to fix in their language; the service
 * checks it again by the same rules. Undefined (after saying why) when it does not fit.
 */
async function typedPage(ctx: BotContext, typed: string): Promise<HelpTextInput | undefined> {
  const page = splitTypedPage(typed);
  if (!page) {
    await replyWithCancel(ctx, ctx.t('adm-help-need-body'));
    return undefined;
  }
  if (page.title.length > HELP_TITLE_MAX) {
    const args = { length: number(ctx, page.title.length), max: number(ctx, HELP_TITLE_MAX) };
    await replyWithCancel(ctx, ctx.t('adm-help-title-too-long', args));
    return undefined;
  }
  if (page.body.length > HELP_BODY_MAX) {
    const args = { length: number(ctx, page.body.length), max: number(ctx, HELP_BODY_MAX) };
    await replyWithCancel(ctx, ctx.t('adm-help-body-too-long', args));
    return undefined;
  }
  return page;
}

async function receiveText(
  ctx: BotContext,
  { key, language }: AwaitingOf<'admin-help-text'>,
  typed: string,
): Promise<void> {
  const page = await typedPage(ctx, typed);
  if (!page) return;
  const saved = await ctx.shop.services.help.setText(key, language, page);
  // the lengths were checked above: what is left is a character the rules refuse
  if (!saved.ok) return replyWithCancel(ctx, ctx.t('adm-help-bad-characters'));
  if (!saved.value) return notFound(ctx);
  clearInput(ctx);
  ctx.logger.info({ key, language, admin: ctx.from?.id }, 'help page text saved by a tenant admin');
  await ctx.reply(ctx.t('adm-help-saved', { language: languageName(ctx, language) }));
  await showPage(ctx, key);
}

async function startNewPage(ctx: BotContext): Promise<void> {
  clearInput(ctx);
  const prompt = ctx.t('adm-help-ask-new', {
    language: languageName(ctx, ctx.language),
    titleMax: number(ctx, HELP_TITLE_MAX),
    bodyMax: number(ctx, HELP_BODY_MAX),
  });
  await ask(ctx, { kind: 'admin-help-new', language: ctx.language }, prompt);
}

async function receiveNewPage(
  ctx: BotContext,
  { language }: AwaitingOf<'admin-help-new'>,
  typed: string,
): Promise<void> {
  const text = await typedPage(ctx, typed);
  if (!text) return;
  const created = await ctx.shop.services.help.create({ kind: 'faq', texts: { [language]: text } });
  if (!created.ok) {
    // the lengths were checked above: what is left is a refused character, or the shop's limit
    if (created.error.code === 'invalid') return replyWithCancel(ctx, ctx.t('adm-help-bad-characters'));
    clearInput(ctx);
    await ctx.reply(ctx.t('adm-help-too-many', { max: number(ctx, HELP_OWN_PAGES_MAX) }));
    return showPages(ctx);
  }
  clearInput(ctx);
  ctx.logger.info({ key: created.value.key, admin: ctx.from?.id }, 'help page created by a tenant admin');
  await ctx.reply(ctx.t('adm-help-created'));
  await showPage(ctx, created.value.key);
}

async function setVisibility(ctx: BotContext, key: string, hidden: boolean): Promise<void> {
  const changed = await ctx.shop.services.help.setHidden(key, hidden);
  if (!changed.ok || !changed.value) {
    await answer(ctx);
    return notFound(ctx);
  }
  await answer(ctx, { text: ctx.t(hidden ? 'adm-help-switched-hidden' : 'adm-help-switched-shown') });
  await showPage(ctx, key);
}

async function movePage(ctx: BotContext, key: string, direction: 'up' | 'down'): Promise<void> {
  const moved = await ctx.shop.services.help.move(key, direction);
  if (!moved.ok || !moved.value) {
    await answer(ctx);
    return notFound(ctx);
  }
  await answer(ctx, { text: ctx.t('adm-help-moved') });
  await showPage(ctx, key);
}

async function askRemove(ctx: BotContext, key: string): Promise<void> {
  const page = await ctx.shop.services.help.getPage(key);
  if (!page) return notFound(ctx);
  const { title } = await readerText(ctx, page);
  const keyboard = new InlineKeyboard()
    .text(ctx.t('adm-btn-confirm'), removeConfirmButton.build({ key }))
    .text(ctx.t('adm-btn-back'), pageButton.build({ key }));
  await show(ctx, ctx.t(page.isDefault ? 'adm-help-reset-ask' : 'adm-help-delete-ask', { title }), keyboard);
}

async function remove(ctx: BotContext, key: string): Promise<void> {
  const removed = await ctx.shop.services.help.reset(key);
  if (!removed) {
    await answer(ctx);
    return notFound(ctx);
  }
  ctx.logger.info({ key, status: removed.status, admin: ctx.from?.id }, 'help page reset by a tenant admin');
  if (removed.status === 'reset') {
    await answer(ctx, { text: ctx.t('adm-help-reset-done') });
    return showPage(ctx, key);
  }
  await answer(ctx, { text: ctx.t('adm-help-deleted') });
  await showPages(ctx);
}

function helpButtons(): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, helpPagesButton, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showPages(ctx);
  });
  onPress(buttons, newPageButton, async (ctx) => {
    await answer(ctx);
    await startNewPage(ctx);
  });
  onPress(buttons, pageButton, async (ctx, { key }) => {
    clearInput(ctx);
    await answer(ctx);
    await showPage(ctx, key);
  });
  onPress(buttons, visibilityButton, (ctx, { key, to }) => setVisibility(ctx, key, to === 'hide'));
  onPress(buttons, moveButton, (ctx, { key, direction }) => movePage(ctx, key, direction));
  onPress(buttons, editButton, async (ctx, { key, language }) => {
    await answer(ctx);
    await askText(ctx, key, language);
  });
  onPress(buttons, removeButton, async (ctx, { key }) => {
    await answer(ctx);
    await askRemove(ctx, key);
  });
  onPress(buttons, removeConfirmButton, (ctx, { key }) => remove(ctx, key));
  return buttons;
}

/**
 * Help pages: the list customers see from "Help" (default guides and questions, and the shop's
 * own), a page's card to write its text per language, move, hide or show it, reset a default page
 * or delete one of the shop's own; and adding a question, typed as one message (title, then text).
 */
export const helpSection: Section = {
  button: (ctx) => ({ text: ctx.t('adm-btn-help'), data: helpPagesButton.build() }),
  composer: helpButtons(),
  onText: { 'admin-help-text': receiveText, 'admin-help-new': receiveNewPage },
};
