import { sql } from 'drizzle-orm';
import { integerLiteral, textLiteral } from '../../db/script.js';
import type { PlatformDb } from '../../db/tenant-tx.js';
import type { BotId } from '../../shared/ids.js';

/**
 * What several service processes on one PostgreSQL agree on through it (migration 0026): which
 * process polls which bot (a lease per bot, heartbeated) and which process sets a bot's webhook.
 * The policy (how many bots each takes, when to let go) is the fleet's: src/bot/poll-leases.ts.
 */

const rowsOf = <Row>(result: unknown): Row[] => (result as { rows: Row[] }).rows;

/** A PostgreSQL array literal of bot ids, sent as one parameter. */
const idArray = (ids: readonly number[]) => `{${ids.map((id) => Math.trunc(id)).join(',')}}`;

const seconds = (ms: number) => ms / 1000;

/** Rows of processes and leases gone this long are deleted (kept a while for whoever looks). */
const FORGET_AFTER_SECONDS = 600;

export interface LiveInstance {
  readonly instanceId: string;
  readonly startedAt: Date;
}

export interface LeaseBeat {
  /** The live processes (this one included), oldest first. */
  readonly instances: readonly LiveInstance[];
  /** The bots whose leases this process holds, renewed by this beat. */
  readonly held: readonly BotId[];
  /**
   * Another process heartbeats under the same instance id (its process key replaced ours since our
   * last beat): two processes were started with one INSTANCE_ID.
   */
  readonly sharedInstanceId: boolean;
}

export interface PollLease {
  readonly botId: BotId;
  readonly instanceId: string;
  readonly expiresAt: Date;
}

export function createFleetCoordination({ db }: { db: PlatformDb }) {
  return {
    /**
     * One heartbeat of a process: its own row and its leases of `candidates` pushed to `leaseMs`
     * from now, its leases of other bots let go, and who else is alive.
     */
    async beat(input: {
      readonly instanceId: string;
      readonly processKey: string;
      /** This beat follows one of ours (not the process's first): a changed key is another process. */
      readonly continuing: boolean;
      readonly leaseMs: number;
      readonly candidates: readonly BotId[];
    }): Promise<LeaseBeat> {
      return db.transaction(async (tx) => {
        const [previous] = rowsOf<{ process_key: string; live: boolean }>(
          await tx.execute(sql`
            SELECT process_key, expires_at > now() AS live FROM fleet_instances
             WHERE instance_id = ${input.instanceId} FOR UPDATE`),
        );
        const sharedInstanceId =
          input.continuing && previous?.live === true && previous.process_key !== input.processKey;
        await tx.execute(sql`
          INSERT INTO fleet_instances (instance_id, process_key, expires_at)
          VALUES (${input.instanceId}, ${input.processKey},
                  now() + make_interval(secs => ${seconds(input.leaseMs)}))
          ON CONFLICT (instance_id) DO UPDATE
            SET heartbeat_at = now(), expires_at = excluded.expires_at, process_key = excluded.process_key,
                started_at = CASE WHEN fleet_instances.process_key = excluded.process_key
                                  THEN fleet_instances.started_at ELSE now() END`);
        await tx.execute(sql`
          DELETE FROM bot_poll_leases
           WHERE instance_id = ${input.instanceId} AND NOT (bot_id = ANY(${idArray(input.candidates)}::bigint[]))`);
        const held = rowsOf<{ bot_id: string | number }>(
          await tx.execute(sql`
            UPDATE bot_poll_leases
               SET heartbeat_at = now(), expires_at = now() + make_interval(secs => ${seconds(input.leaseMs)})
             WHERE instance_id = ${input.instanceId}
            RETURNING bot_id`),
        ).map((row) => Number(row.bot_id) as BotId);
        const instances = rowsOf<{ instance_id: string; started_at: string | Date }>(
          await tx.execute(sql`
            SELECT instance_id, started_at FROM fleet_instances
             WHERE expires_at > now() ORDER BY started_at, instance_id`),
        ).map((row) => ({ instanceId: row.instance_id, startedAt: new Date(row.started_at) }));
        await tx.execute(sql`
          DELETE FROM fleet_instances
           WHERE expires_at < now() - make_interval(secs => ${FORGET_AFTER_SECONDS})`);
        await tx.execute(sql`
          DELETE FROM bot_poll_leases
           WHERE expires_at < now() - make_interval(secs => ${FORGET_AFTER_SECONDS})`);
        return { instances, held: held.sort((a, b) => a - b), sharedInstanceId };
      });
    },

    /**
     * Takes up to `limit` of `botIds` whose lease is free (never taken, let go, or run out: its
     * process died). Two processes asking at once get different bots; lowest ids first, so their
     * row locks come in one order.
     */
    async acquire(input: {
      readonly instanceId: string;
      readonly leaseMs: number;
      readonly botIds: readonly BotId[];
      readonly limit: number;
    }): Promise<BotId[]> {
      if (input.limit <= 0 || input.botIds.length === 0) return [];
      const rows = await db.transaction(async (tx) =>
        rowsOf<{ bot_id: string | number }>(
          await tx.execute(sql`
            WITH free AS (
              SELECT b.id AS bot_id
                FROM unnest(${idArray(input.botIds)}::bigint[]) AS c(bot_id)
                JOIN bots b ON b.id = c.bot_id
                LEFT JOIN bot_poll_leases l ON l.bot_id = c.bot_id
               WHERE l.bot_id IS NULL OR l.expires_at <= now()
               ORDER BY b.id
               LIMIT ${Math.trunc(input.limit)}
            )
            INSERT INTO bot_poll_leases (bot_id, instance_id, expires_at)
            SELECT bot_id, ${input.instanceId}, now() + make_interval(secs => ${seconds(input.leaseMs)})
              FROM free
            ORDER BY bot_id
            ON CONFLICT (bot_id) DO UPDATE
              SET instance_id = excluded.instance_id, acquired_at = now(), heartbeat_at = now(),
                  expires_at = excluded.expires_at
              WHERE bot_poll_leases.expires_at <= now()
            RETURNING bot_id`),
        ),
      );
      return rows.map((row) => Number(row.bot_id) as BotId).sort((a, b) => a - b);
    },

    /** Lets go of leases (the bots are no longer polled here): another process may take them now. */
    async release(instanceId: string, botIds: readonly BotId[]): Promise<void> {
      if (botIds.length === 0) return;
      await db.transaction((tx) =>
        tx.execute(sql`
          DELETE FROM bot_poll_leases
           WHERE instance_id = ${instanceId} AND bot_id = ANY(${idArray(botIds)}::bigint[])`),
      );
    },

    /**
     * A process stopping cleanly: its leases are free at once and it no longer counts as alive.
     * Unless a newer process took its INSTANCE_ID over meanwhile (a restart that overlapped): the
     * leases are that one's now.
     */
    async leave(instanceId: string, processKey: string): Promise<void> {
      await db.transaction(async (tx) => {
        const mine = rowsOf<{ instance_id: string }>(
          await tx.execute(sql`
            DELETE FROM fleet_instances WHERE instance_id = ${instanceId} AND process_key = ${processKey}
            RETURNING instance_id`),
        );
        if (mine.length > 0)
          await tx.execute(sql`DELETE FROM bot_poll_leases WHERE instance_id = ${instanceId}`);
      });
    },

    /** Every lease, live or run out (monitoring and tests). */
    async leases(): Promise<PollLease[]> {
      const rows = await db.transaction(async (tx) =>
        rowsOf<{ bot_id: string | number; instance_id: string; expires_at: string | Date }>(
          await tx.execute(sql`SELECT bot_id, instance_id, expires_at FROM bot_poll_leases ORDER BY bot_id`),
        ),
      );
      return rows.map((row) => ({
        botId: Number(row.bot_id) as BotId,
        instanceId: row.instance_id,
        expiresAt: new Date(row.expires_at),
      }));
    },

    /**
     * Webhook mode: claims the setting of the bot's webhook with this fingerprint (url, secret,
     * allowed updates, token). True for one caller only, whichever process asks and however many
     * start at once; the others find the webhook set (or being set) already. The claimant calls
     * setWebhook and, should that fail, `unclaimWebhook`.
     */
    async claimWebhook(botId: BotId, fingerprint: string): Promise<boolean> {
      // one statement in the bot's own transaction, as the unclaim: a first start claims every
      // bot's webhook
      const rows = await db.tenant(botId).statement(
        `UPDATE bots SET webhook_fingerprint = ${textLiteral(fingerprint)}
          WHERE id = ${integerLiteral(botId)} AND webhook_fingerprint IS DISTINCT FROM ${textLiteral(fingerprint)}
          RETURNING id`,
      );
      return rows.length > 0;
    },

    /** The claimed setWebhook failed: the next start (here or elsewhere) sets it. */
    async unclaimWebhook(botId: BotId, fingerprint: string): Promise<void> {
      await db.tenant(botId).statement(
        `UPDATE bots SET webhook_fingerprint = NULL
          WHERE id = ${integerLiteral(botId)} AND webhook_fingerprint = ${textLiteral(fingerprint)}`,
      );
    },
  };
}

export type FleetCoordination = ReturnType<typeof createFleetCoordination>;
