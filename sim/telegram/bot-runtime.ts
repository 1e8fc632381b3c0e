// One simulated bot: identity, token, update queue and the webhook that may drain it.
import type { UserFromGetMe } from 'grammy/types';
import { chatKeyOf, isUpdateAllowed, UpdateQueue, updateType } from './updates.js';
import { WebhookDelivery, type WebhookDeps } from './webhooks.js';
import type { UpdateBody, WireUser } from './wire.js';

export interface EnqueueResult {
  readonly updateId: number;
  /** False when allowed_updates filtered the update out (Telegram never stores those). */
  readonly queued: boolean;
}

export class BotRuntime {
  token: string;
  /** Set by setWebhook/getUpdates; undefined means Telegram's default set. */
  allowedUpdates: readonly string[] | undefined;
  readonly queue: UpdateQueue;
  readonly webhook: WebhookDelivery;
  /** Users who blocked the bot. */
  readonly blockedBy = new Set<number>();
  readonly commands = new Map<string, unknown[]>();
  readonly user: WireUser;

  constructor(
    readonly id: number,
    token: string,
    readonly username: string,
    readonly firstName: string,
    firstUpdateId: number,
    webhookDeps: WebhookDeps,
  ) {
    this.token = token;
    this.queue = new UpdateQueue(firstUpdateId);
    this.webhook = new WebhookDelivery(this.queue, webhookDeps);
    this.user = { id, is_bot: true, first_name: firstName, username };
  }

  getMe(): UserFromGetMe {
    return {
      id: this.id,
      is_bot: true,
      first_name: this.firstName,
      username: this.username,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
  }

  enqueue(body: UpdateBody): EnqueueResult {
    const updateId = this.queue.allocateId();
    if (!isUpdateAllowed(updateType(body), this.allowedUpdates)) return { updateId, queued: false };
    const entry = this.queue.push({ update_id: updateId, ...body }, chatKeyOf(body, updateId));
    if (this.webhook.active) this.webhook.onEnqueue(entry);
    else this.queue.wake();
    return { updateId, queued: true };
  }

  redeliver(updateId: number): boolean {
    const result = this.queue.redeliver(updateId);
    if (result === undefined) return false;
    if (result !== 'marked') {
      if (this.webhook.active) this.webhook.onEnqueue(result);
      else this.queue.wake();
    }
    return true;
  }

  shutdown(): void {
    this.webhook.reset();
    this.queue.releasePoller();
  }
}
