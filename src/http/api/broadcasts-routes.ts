import { z } from 'zod';
import { BUTTON_TEXT_MAX, CAPTION_MAX, TEXT_MAX } from '../../modules/broadcasts/broadcast-content.js';
import type { Broadcast, BroadcastCounts } from '../../modules/broadcasts/broadcasts-service.js';
import { ADMIN_SEGMENTS, type Audience } from '../../modules/broadcasts/segments.js';
import { ApiError, fromServiceError, notFound } from './errors.js';
import { type ApiContext, botIdParams, type Router } from './route.js';
import { idParam, iso, isoOrNull, paged, pageQuery, timestamp } from './schemas.js';

const LANGUAGES = ['fa', 'en', 'ru'] as const;

const countsView = z.object({
  pending: z.number().int().meta({ description: 'Not sent yet' }),
  sending: z.number().int().meta({ description: 'Being sent right now' }),
  sent: z.number().int(),
  blocked: z.number().int().meta({ description: 'The customer blocked the bot (now marked unreachable)' }),
  failed: z.number().int().meta({ description: 'Telegram refused this message for this chat' }),
  unknown: z.number().int().meta({
    description:
      'The delivering process stopped between sending and marking: maybe delivered, never sent again',
  }),
  cancelled: z
    .number()
    .int()
    .meta({ description: 'Not sent: the broadcast was stopped, or the customer banned' }),
});

export const broadcastView = z.object({
  id: z.number().int(),
  origin: z.enum(['admin', 'api', 'operator']),
  status: z.enum(['sending', 'done', 'cancelled']),
  text: z.string(),
  photo: z.string().nullable(),
  button: z.object({ text: z.string(), url: z.string() }).nullable(),
  segment: z.enum([...ADMIN_SEGMENTS, 'admins']),
  language: z.enum(LANGUAGES).nullable(),
  total: z.number().int().meta({ description: 'Recipients, fixed when the broadcast was created' }),
  createdAt: timestamp,
  finishedAt: timestamp.nullable(),
});

const progressView = broadcastView.extend({ counts: countsView });

const toBroadcastView = (broadcast: Broadcast): z.infer<typeof broadcastView> => ({
  id: broadcast.id,
  origin: broadcast.origin,
  status: broadcast.status,
  text: broadcast.text,
  photo: broadcast.photo,
  button: broadcast.button,
  segment: broadcast.segment,
  language: broadcast.segmentLanguage,
  total: broadcast.total,
  createdAt: iso(broadcast.createdAt),
  finishedAt: isoOrNull(broadcast.finishedAt),
});

const toProgressView = (broadcast: Broadcast, counts: BroadcastCounts): z.infer<typeof progressView> => ({
  ...toBroadcastView(broadcast),
  counts,
});

const audienceFields = {
  segment: z.enum(ADMIN_SEGMENTS).meta({
    description:
      '`all`; `active` (a paid subscription not expired); `expired` (bought before, none running); ' +
      '`never_bought` (no paid subscription); `trial_only` (took a trial, never bought); `language` ' +
      '(with `language`). Banned customers and customers who blocked the bot are never recipients.',
  }),
  language: z.enum(LANGUAGES).optional().meta({ description: 'Required with segment `language`' }),
};

const audienceOf = (input: {
  segment: (typeof ADMIN_SEGMENTS)[number];
  language?: string | undefined;
}): Audience => {
  if (input.segment !== 'language') return { segment: input.segment };
  const language = z.enum(LANGUAGES).safeParse(input.language);
  if (!language.success) {
    throw new ApiError('invalid_request', 'language: required with segment "language"', [
      { field: 'body.language', message: 'one of fa, en, ru' },
    ]);
  }
  return { segment: 'language', language: language.data };
};

const createBody = z.strictObject({
  text: z
    .string()
    .min(1)
    .max(TEXT_MAX)
    .meta({
      description: `Plain text (no markup); with a photo it is the caption, at most ${CAPTION_MAX} characters`,
    }),
  photo: z
    .string()
    .min(1)
    .max(1024)
    .optional()
    .meta({
      description:
        "A photo: a file id this bot received (letters, digits, '-' and '_'), or an http(s) URL " +
        'Telegram downloads. The text becomes its caption (at most 1,024 characters).',
    }),
  button: z
    .strictObject({
      text: z.string().min(1).max(BUTTON_TEXT_MAX),
      url: z.string().max(2048).meta({ description: 'An http(s) URL or a tg:// link' }),
    })
    .optional()
    .meta({ description: 'A link button under the message' }),
  ...audienceFields,
});

const broadcastParams = botIdParams.extend({ broadcastId: idParam });

/**
 * Broadcasts: a message to a segment of a bot's customers, delivered by the bot at its pace
 * (`broadcast_rate_per_second`), never twice to anyone. Create, list, follow, cancel.
 */
export function registerBroadcastRoutes({ botRoute }: Router, _context: ApiContext) {
  const tag = 'broadcasts';
  const broadcastNotFound = (id: number) => notFound(`broadcast ${id}`);

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/broadcasts',
      tag,
      summary: 'Broadcasts of a bot, newest first',
      query: pageQuery,
      responses: { 200: { description: 'One page of broadcasts', schema: paged(broadcastView) } },
    },
    async ({ services, query }) => {
      const page = await services.broadcasts.findPage({ limit: query.limit, offset: query.offset });
      const next = query.offset + page.items.length;
      return {
        items: page.items.map(toBroadcastView),
        total: page.total,
        nextOffset: next < page.total ? next : null,
      };
    },
  );

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/broadcasts/audience',
      tag,
      summary: 'How many customers a segment reaches now',
      query: z.strictObject(audienceFields),
      responses: { 200: { description: 'The count', schema: z.object({ count: z.number().int() }) } },
    },
    async ({ services, query }) => ({ count: await services.broadcasts.countRecipients(audienceOf(query)) }),
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/broadcasts',
      tag,
      summary: 'Send a broadcast',
      description:
        'The segment is read now and fixed: customers who join later do not get it. Delivery starts at ' +
        'once in the background; follow it with GET. 409 when nobody is in the segment or the bot has ' +
        'the `broadcasts` feature switched off.',
      body: createBody,
      responses: { 201: { description: 'Created and queued', schema: progressView } },
    },
    async ({ services, body, reply }) => {
      const created = await services.broadcasts.create({
        text: body.text,
        ...(body.photo === undefined ? {} : { photo: body.photo }),
        ...(body.button === undefined ? {} : { button: body.button }),
        audience: audienceOf(body),
        origin: 'api',
      });
      if (!created.ok) {
        const error = created.error;
        if (error.code === 'invalid') throw fromServiceError(error);
        throw new ApiError('conflict', error.message);
      }
      const progress = await services.broadcasts.progress(created.value.id);
      reply.code(201);
      return toProgressView(created.value, progress?.counts ?? emptyCounts(created.value.total));
    },
  );

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/broadcasts/:broadcastId',
      tag,
      summary: 'A broadcast and its progress',
      params: broadcastParams,
      responses: {
        200: { description: 'The broadcast with counts by recipient state', schema: progressView },
      },
    },
    async ({ services, params }) => {
      const progress = await services.broadcasts.progress(params.broadcastId);
      if (!progress) throw broadcastNotFound(params.broadcastId);
      return toProgressView(progress.broadcast, progress.counts);
    },
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/broadcasts/:broadcastId/cancel',
      tag,
      summary: 'Stop a broadcast',
      description:
        'Recipients not sent yet never get it (a send already under way finishes). 409 when it has ' +
        'finished already.',
      params: broadcastParams,
      responses: { 200: { description: 'The stopped broadcast', schema: progressView } },
    },
    async ({ services, params }) => {
      const cancelled = await services.broadcasts.cancel(params.broadcastId);
      if (!cancelled.ok) {
        if (cancelled.error.code === 'not_found') throw broadcastNotFound(params.broadcastId);
        throw new ApiError('conflict', `broadcast ${params.broadcastId} has finished already`);
      }
      const progress = await services.broadcasts.progress(params.broadcastId);
      return toProgressView(cancelled.value, progress?.counts ?? emptyCounts(cancelled.value.total));
    },
  );
}

const emptyCounts = (total: number): BroadcastCounts => ({
  pending: total,
  sending: 0,
  sent: 0,
  blocked: 0,
  failed: 0,
  unknown: 0,
  cancelled: 0,
});
