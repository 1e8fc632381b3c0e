import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import {
  MalformedPanelEvent,
  type PanelUserEvent,
  type PanelWebhookBody,
  panelWebhookBody,
  routePanelEvent,
} from '../modules/subscriptions/panel-events.js';
import type { BotId } from '../shared/ids.js';

export const PANEL_WEBHOOK_PATH = '/panel/webhook';

/** A panel user object is a few kilobytes; nothing the panel sends comes near this. */
const BODY_LIMIT_BYTES = 256 * 1024;

export interface PanelWebhookOptions {
  readonly app: App;
  /** The panel's WEBHOOK_SECRET_HEADER: it signs every delivery with it. */
  readonly secret: string;
  /** How far a delivery's timestamp may be from now, either way, in seconds. */
  readonly maxAgeSeconds: number;
  /** The clock timestamps are judged by (tests move it). */
  readonly now?: () => Date;
}

/** `X-Remnawave-Signature`: hex HMAC-SHA256 of the raw body with the shared secret. */
function isSignedBy(secret: string, body: Buffer, header: unknown): boolean {
  if (typeof header !== 'string' || !/^[0-9a-fA-F]{64}$/.test(header)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(header, 'hex'));
}

/**
 * `X-Remnawave-Timestamp`. Remnawave sends the ISO 8601 instant it put in the body's `timestamp`
 * (its webhook processor sends `job.data.timestamp`, `dayjs().toISOString()`); epoch seconds or
 * milliseconds are accepted too, as other builds or proxies may send them.
 */
export function parseWebhookTimestamp(header: unknown): Date | undefined {
  if (typeof header !== 'string') return undefined;
  const text = header.trim();
  let ms: number;
  if (/^\d{9,11}$/.test(text)) ms = Number(text) * 1000;
  else if (/^\d{12,14}$/.test(text)) ms = Number(text);
  else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(text)) ms = Date.parse(text);
  else return undefined;
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

const ok = (reply: FastifyReply) => reply.code(200).send({ ok: true });
const refuse = (reply: FastifyReply, status: number, error?: string) =>
  reply.code(status).send(error === undefined ? { ok: false } : { ok: false, error });

/**
 * `POST /panel/webhook`: the panel's events (Remnawave webhooks). Only a delivery signed with the
 * operator's secret is read (401 otherwise); one whose timestamp is missing or too far from now is
 * refused (400), so a captured delivery cannot be replayed later; a malformed one is 400. Accepted
 * events are applied to the subscription they name through the shop their username names, and any
 * event this fleet has no use for (other scopes, other users) is answered 200 and ignored. A
 * failure answers 5xx, so the panel delivers it again (it retries 3 times, 5 s apart). The payload
 * carries the user's proxy credentials: only the event, the username and ids are logged.
 *
 * Registered in its own plugin scope: the body is kept as the raw bytes the signature covers.
 */
export async function panelWebhookRoutes(
  server: FastifyInstance,
  options: PanelWebhookOptions,
): Promise<void> {
  const { app, secret } = options;
  const maxAgeMs = options.maxAgeSeconds * 1000;
  const now = options.now ?? (() => new Date());

  server.removeAllContentTypeParsers();
  server.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES },
    (_request, body, done) => done(null, body),
  );

  const isFresh = (at: Date) => Math.abs(now().getTime() - at.getTime()) <= maxAgeMs;

  /** The delivery's envelope, or why it is refused. */
  const readDelivery = (request: FastifyRequest): PanelWebhookBody | { status: number; error?: string } => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!isSignedBy(secret, raw, request.headers['x-remnawave-signature'])) return { status: 401 };
    const sentAt = parseWebhookTimestamp(request.headers['x-remnawave-timestamp']);
    if (!sentAt) return { status: 400, error: 'missing or unreadable X-Remnawave-Timestamp' };
    if (!isFresh(sentAt)) return { status: 400, error: 'stale X-Remnawave-Timestamp' };
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return { status: 400, error: 'body is not JSON' };
    }
    const body = panelWebhookBody.safeParse(json);
    if (!body.success) return { status: 400, error: 'not a panel event' };
    // the header is not signed, the body's timestamp is: a replayed body with a new header is stale too
    if (body.data.timestamp && !isFresh(body.data.timestamp))
      return { status: 400, error: 'stale timestamp' };
    return body.data;
  };

  /** A user named outside this fleet (an imported shop keeps its panel names): the shop that has it. */
  const ownedElsewhere = async (username: string, event: PanelUserEvent) => {
    const botId = await app.platform.panelUserOwners.shopOf(username);
    return botId === undefined ? undefined : { botId, event };
  };

  server.post(PANEL_WEBHOOK_PATH, { bodyLimit: BODY_LIMIT_BYTES }, async (request, reply) => {
    const delivery = readDelivery(request);
    if ('status' in delivery) {
      request.log.info({ status: delivery.status, reason: delivery.error }, 'panel webhook refused');
      return refuse(reply, delivery.status, delivery.error);
    }
    const seen = { event: delivery.event };
    let routed: ReturnType<typeof routePanelEvent>;
    try {
      routed = routePanelEvent(delivery);
    } catch (error) {
      if (!(error instanceof MalformedPanelEvent)) throw error;
      request.log.warn({ ...seen, reason: error.message }, 'panel webhook malformed');
      return refuse(reply, 400, 'malformed event data');
    }
    let target: { botId: BotId; event: PanelUserEvent } | undefined;
    try {
      target =
        routed.kind === 'user'
          ? routed
          : routed.event && (await ownedElsewhere(routed.event.user.username, routed.event));
    } catch (error) {
      request.log.error({ ...seen, err: error }, 'panel event could not be routed');
      return refuse(reply, app.platform.isDatabaseUnavailable(error) ? 503 : 500);
    }
    if (!target) {
      const reason = routed.kind === 'ignored' ? routed.reason : 'foreign';
      request.log.debug(
        { ...seen, username: routed.kind === 'ignored' ? routed.username : undefined, reason },
        'panel event ignored',
      );
      return ok(reply);
    }
    const about = {
      ...seen,
      botId: target.botId,
      username: target.event.user.username,
      panelUserId: target.event.user.id,
    };
    try {
      const outcome = await app.forTenant(target.botId).panelEvents.apply(target.event);
      request.log.debug({ ...about, ...outcome }, 'panel event');
      return ok(reply);
    } catch (error) {
      // the panel delivers it again; the event is applied at most once in effect
      request.log.error({ ...about, err: error }, 'panel event failed');
      return refuse(reply, app.platform.isDatabaseUnavailable(error) ? 503 : 500);
    }
  });
}
