import { InlineKeyboard } from 'grammy';
import {
  BUTTON_TEXT_MAX,
  CAPTION_MAX,
  parseButtonUrl,
  TEXT_MAX,
} from '../../../modules/broadcasts/broadcast-content.js';
import type { Broadcast } from '../../../modules/broadcasts/broadcasts-service.js';
import { ADMIN_SEGMENTS, type AdminSegment, type Audience } from '../../../modules/broadcasts/segments.js';
import type { Language } from '../../../shared/language.js';
import { callbackData, integer, oneOf, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { AwaitingOf, BotContext } from '../../context.js';
import { formatNumber } from '../../format.js';
import { broadcastMessage } from '../../notices/broadcast-message.js';
import type { Section } from '../section.js';
import { answer, ask, clearInput, isAdminAwaiting, replyWithCancel, show, withHome } from './admin-ui.js';

type Draft = NonNullable<AwaitingOf<'admin-broadcast'>['draft']>;

const LANGUAGES = ['fa', 'en', 'ru'] as const satisfies readonly Language[];

const broadcastsButton = callbackData('adm:bc');
const newBroadcastButton = callbackData('adm:bc:new');
const buttonChoiceButton = callbackData('adm:bc:btn', { add: oneOf(['yes', 'no']) });
const segmentButton = callbackData('adm:bc:seg', { segment: oneOf(ADMIN_SEGMENTS) });
const languageButton = callbackData('adm:bc:lang', { language: oneOf(LANGUAGES) });
const previewButton = callbackData('adm:bc:preview');
const confirmButton = callbackData('adm:bc:go');
/** On the progress message: stops the broadcast. */
export const broadcastCancelButton = callbackData('adm:bc:stop', { broadcastId: integer() });

/** The draft's audience, once a segment (and for `language`, a language) is picked. */
const audienceOf = (draft: Draft): Audience | undefined => {
  if (draft.segment === null) return undefined;
  if (draft.segment === 'language')
    return draft.language ? { segment: 'language', language: draft.language } : undefined;
  return { segment: draft.segment };
};

const segmentText = (ctx: BotContext, draft: Draft) =>
  draft.segment === 'language' && draft.language
    ? ctx.t('broadcast-segment-language', { language: draft.language })
    : ctx.t('broadcast-segment', { segment: draft.segment ?? 'all' });

const statusLine = (ctx: BotContext, broadcast: Broadcast) =>
  ctx.t('broadcast-line', {
    status: broadcast.status,
    id: formatNumber(broadcast.id, ctx.language),
    segment:
      broadcast.segment === 'language' && broadcast.segmentLanguage
        ? ctx.t('broadcast-segment-language', { language: broadcast.segmentLanguage })
        : ctx.t('broadcast-segment', { segment: broadcast.segment }),
    total: formatNumber(broadcast.total, ctx.language),
  });

/** The section's screen: the last broadcasts and "New broadcast". */
async function showBroadcasts(ctx: BotContext): Promise<void> {
  clearInput(ctx);
  const services = ctx.shop.services.broadcasts;
  if (!(await services.isEnabled())) {
    await show(ctx, ctx.t('broadcast-off'), withHome(new InlineKeyboard(), ctx.t));
    return;
  }
  const recent = await services.list({ limit: 5 });
  const keyboard = new InlineKeyboard().text(ctx.t('broadcast-btn-new'), newBroadcastButton.build()).row();
  const text =
    recent.length === 0
      ? ctx.t('broadcast-home-empty')
      : [ctx.t('broadcast-home'), ...recent.map((broadcast) => statusLine(ctx, broadcast))].join('\n');
  await show(ctx, text, withHome(keyboard, ctx.t));
}

const draftOf = (ctx: BotContext): Draft | undefined => {
  const awaiting = ctx.session.awaiting;
  return awaiting?.kind === 'admin-broadcast' ? (awaiting.draft ?? undefined) : undefined;
};

/** The draft is gone (another button cleared it, or it was sent): back to the section's screen. */
async function draftGone(ctx: BotContext): Promise<void> {
  await answer(ctx, { text: ctx.t('broadcast-draft-gone') });
  await showBroadcasts(ctx);
}

async function askSegment(ctx: BotContext, draft: Draft): Promise<void> {
  ctx.session.awaiting = { kind: 'admin-broadcast', step: 'review', draft };
  const keyboard = new InlineKeyboard();
  ADMIN_SEGMENTS.forEach((segment, index) => {
    keyboard.text(ctx.t('broadcast-segment', { segment }), segmentButton.build({ segment }));
    if (index % 2 === 1) keyboard.row();
  });
  keyboard.row().text(ctx.t('adm-btn-cancel'), broadcastsButton.build());
  await show(ctx, ctx.t('broadcast-ask-segment'), keyboard);
}

/** The count for the picked segment, with Preview and Send. */
async function showReview(ctx: BotContext, draft: Draft, options: { below?: boolean } = {}): Promise<void> {
  const audience = audienceOf(draft);
  if (!audience) return askSegment(ctx, draft);
  ctx.session.awaiting = { kind: 'admin-broadcast', step: 'review', draft };
  const count = await ctx.shop.services.broadcasts.countRecipients(audience);
  const keyboard = new InlineKeyboard();
  if (count > 0) {
    keyboard
      .text(ctx.t('broadcast-btn-preview'), previewButton.build())
      .row()
      .text(ctx.t('broadcast-btn-send', { count: formatNumber(count, ctx.language) }), confirmButton.build())
      .row();
  }
  keyboard
    .text(ctx.t('broadcast-btn-change-segment'), newSegmentButton)
    .row()
    .text(ctx.t('adm-btn-cancel'), broadcastsButton.build());
  const review = options.below ? 'broadcast-review-after-preview' : 'broadcast-review';
  const text = ctx.t(count > 0 ? review : 'broadcast-nobody', {
    count: formatNumber(count, ctx.language),
    segment: segmentText(ctx, draft),
  });
  if (options.below) await ctx.reply(text, { reply_markup: keyboard });
  else await show(ctx, text, keyboard);
}

const changeSegmentButton = callbackData('adm:bc:segs');
const newSegmentButton = changeSegmentButton.build();

/** The message is in: text, or a photo with its caption. Next: a button, or none. */
async function receiveMessage(ctx: BotContext, text: string, photo: string | null): Promise<void> {
  const limit = photo ? CAPTION_MAX : TEXT_MAX;
  if (text.trim().length === 0 || text.length > limit) {
    await replyWithCancel(
      ctx,
      ctx.t(photo ? 'broadcast-bad-caption' : 'broadcast-bad-text', {
        max: formatNumber(limit, ctx.language),
      }),
    );
    return;
  }
  const draft: Draft = { text, photo, button: null, segment: null, language: null };
  ctx.session.awaiting = { kind: 'admin-broadcast', step: 'button', draft };
  const keyboard = new InlineKeyboard()
    .text(ctx.t('broadcast-btn-add-button'), buttonChoiceButton.build({ add: 'yes' }))
    .text(ctx.t('broadcast-btn-no-button'), buttonChoiceButton.build({ add: 'no' }))
    .row()
    .text(ctx.t('adm-btn-cancel'), broadcastsButton.build());
  await ctx.reply(ctx.t('broadcast-ask-button-choice'), { reply_markup: keyboard });
}

/** Text typed while composing: the message itself, or the button's two lines. */
async function receiveText(
  ctx: BotContext,
  awaiting: AwaitingOf<'admin-broadcast'>,
  text: string,
): Promise<void> {
  if (awaiting.step === 'message' || !awaiting.draft) return receiveMessage(ctx, text, null);
  if (awaiting.step !== 'button') {
    // typed at the segment step: taken as a new message
    return receiveMessage(ctx, text, null);
  }
  const [label = '', link = ''] = text.split('\n').map((line) => line.trim());
  const url = parseButtonUrl(link);
  if (label.length === 0 || label.length > BUTTON_TEXT_MAX || !url) {
    await replyWithCancel(ctx, ctx.t('broadcast-bad-button'));
    return;
  }
  await askSegment(ctx, { ...awaiting.draft, button: { text: label, url } });
}

/**
 * A photo sent while composing: the broadcast's photo (its largest size), the caption its text.
 * Mounted by the admin menu for photos in the admins' private chat.
 */
export async function receiveBroadcastPhoto(ctx: BotContext, next: () => Promise<void>): Promise<void> {
  const awaiting = ctx.session.awaiting;
  const largest = ctx.message?.photo?.at(-1);
  if (awaiting?.kind !== 'admin-broadcast' || !isAdminAwaiting(awaiting) || !largest) return next();
  await receiveMessage(ctx, ctx.message?.caption ?? '', largest.file_id);
}

async function confirm(ctx: BotContext): Promise<void> {
  const draft = draftOf(ctx);
  const audience = draft && audienceOf(draft);
  if (!draft || !audience) return draftGone(ctx);
  const chatId = ctx.chat?.id;
  const messageId = ctx.callbackQuery?.message?.message_id;
  if (chatId === undefined || messageId === undefined) return draftGone(ctx);
  // forgotten first: a second press (updates of a chat come one by one) finds no draft
  clearInput(ctx);
  const created = await ctx.shop.services.broadcasts.create({
    text: draft.text,
    ...(draft.photo ? { photo: draft.photo } : {}),
    ...(draft.button ? { button: draft.button } : {}),
    audience,
    origin: 'admin',
    createdBy: ctx.from?.id ?? null,
    progress: { chatId, messageId, language: ctx.language },
  });
  if (!created.ok) {
    await answer(ctx);
    const key =
      created.error.code === 'disabled'
        ? 'broadcast-off'
        : created.error.code === 'empty'
          ? 'broadcast-nobody'
          : 'broadcast-bad-text';
    await show(
      ctx,
      ctx.t(key, {
        count: formatNumber(0, ctx.language),
        segment: segmentText(ctx, draft),
        max: formatNumber(TEXT_MAX, ctx.language),
      }),
      withHome(new InlineKeyboard(), ctx.t),
    );
    return;
  }
  const broadcast = created.value;
  ctx.logger.info(
    { broadcastId: broadcast.id, total: broadcast.total, segment: broadcast.segment, admin: ctx.from?.id },
    'broadcast confirmed by a tenant admin',
  );
  await answer(ctx, { text: ctx.t('broadcast-started') });
  // this message becomes the progress message the delivery edits
  const args = {
    total: formatNumber(broadcast.total, ctx.language),
    sent: formatNumber(0, ctx.language),
    blocked: formatNumber(0, ctx.language),
    failed: formatNumber(0, ctx.language),
    left: formatNumber(broadcast.total, ctx.language),
  };
  await show(
    ctx,
    ctx.t('broadcast-progress', args),
    new InlineKeyboard().text(
      ctx.t('broadcast-btn-cancel'),
      broadcastCancelButton.build({ broadcastId: broadcast.id }),
    ),
  );
}

async function cancelBroadcast(ctx: BotContext, broadcastId: number): Promise<void> {
  const cancelled = await ctx.shop.services.broadcasts.cancel(broadcastId);
  if (!cancelled.ok) {
    await answer(ctx, {
      text: ctx.t(
        cancelled.error.code === 'finished' ? 'broadcast-already-finished' : 'broadcast-draft-gone',
      ),
    });
    return;
  }
  ctx.logger.info({ broadcastId, admin: ctx.from?.id }, 'broadcast cancelled by a tenant admin');
  await answer(ctx, { text: ctx.t('broadcast-cancelled-toast') });
}

function createComposer(): BotComposer<BotContext> {
  const composer = new BotComposer<BotContext>();
  onPress(composer, broadcastsButton, async (ctx) => {
    await answer(ctx);
    await showBroadcasts(ctx);
  });
  onPress(composer, newBroadcastButton, async (ctx) => {
    await answer(ctx);
    if (!(await ctx.shop.services.broadcasts.isEnabled())) return showBroadcasts(ctx);
    await ask(ctx, { kind: 'admin-broadcast', step: 'message', draft: null }, ctx.t('broadcast-ask-message'));
  });
  onPress(composer, buttonChoiceButton, async (ctx, { add }) => {
    const draft = draftOf(ctx);
    if (!draft) return draftGone(ctx);
    await answer(ctx);
    if (add === 'no') return askSegment(ctx, { ...draft, button: null });
    await ask(ctx, { kind: 'admin-broadcast', step: 'button', draft }, ctx.t('broadcast-ask-button'));
  });
  onPress(composer, changeSegmentButton, async (ctx) => {
    const draft = draftOf(ctx);
    if (!draft) return draftGone(ctx);
    await answer(ctx);
    await askSegment(ctx, { ...draft, segment: null, language: null });
  });
  onPress(composer, segmentButton, async (ctx, { segment }) => {
    const draft = draftOf(ctx);
    if (!draft) return draftGone(ctx);
    await answer(ctx);
    if (segment === 'language') {
      ctx.session.awaiting = {
        kind: 'admin-broadcast',
        step: 'review',
        draft: { ...draft, segment, language: null },
      };
      const keyboard = new InlineKeyboard();
      for (const language of LANGUAGES)
        keyboard.text(ctx.t('broadcast-language', { language }), languageButton.build({ language }));
      keyboard.row().text(ctx.t('adm-btn-cancel'), broadcastsButton.build());
      await show(ctx, ctx.t('broadcast-ask-language'), keyboard);
      return;
    }
    await showReview(ctx, { ...draft, segment: segment as AdminSegment, language: null });
  });
  onPress(composer, languageButton, async (ctx, { language }) => {
    const draft = draftOf(ctx);
    if (!draft) return draftGone(ctx);
    await answer(ctx);
    await showReview(ctx, { ...draft, segment: 'language', language });
  });
  onPress(composer, previewButton, async (ctx) => {
    const draft = draftOf(ctx);
    if (!draft || !ctx.chat) return draftGone(ctx);
    await answer(ctx);
    // exactly what a customer gets, sent to the admin; then the review again below it
    await broadcastMessage(draft).send(ctx.api, ctx.chat.id);
    await showReview(ctx, draft, { below: true });
  });
  onPress(composer, confirmButton, confirm);
  onPress(composer, broadcastCancelButton, (ctx, { broadcastId }) => cancelBroadcast(ctx, broadcastId));
  return composer;
}

/** Broadcasts: compose, pick a segment, see the count, preview, send; progress and Stop. */
export const broadcastSection: Section = {
  button: (ctx) => ({ text: ctx.t('adm-btn-broadcasts'), data: broadcastsButton.build() }),
  composer: createComposer(),
  onText: { 'admin-broadcast': receiveText },
};
