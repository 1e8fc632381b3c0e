import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inPlatform, inTenant } from '../../src/db/tenant-tx.js';
import type { BotId } from '../../src/shared/ids.js';
import { createTenant, createTestApp, type TestApp } from '../support/database.js';

/**
 * The service pool sends a transaction's BEGIN with its first statement: one round trip less per
 * transaction, and the transaction the same (atomic, its setting in force, rolled back whole).
 */
const rowsOf = (result: unknown) => (result as { rows: Record<string, unknown>[] }).rows;

describe.runIf(process.env.TEST_DATABASE_URL)('the service pool on postgres', () => {
  let t: TestApp;
  let botId: BotId;
  beforeAll(async () => {
    t = await createTestApp('postgres');
    botId = (await createTenant(t.app)).tenant.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  /**
   * What the connections sent PostgreSQL during `work`: each query's text, as a simple-protocol
   * message (`Query`) or as the `Parse` of an extended one.
   */
  async function messages(work: () => Promise<unknown>): Promise<string[]> {
    const texts: string[] = [];
    const proto = pg.Connection.prototype as unknown as {
      query(this: unknown, text: string): unknown;
      parse(this: unknown, query: { text: string }): unknown;
    };
    const { query, parse } = proto;
    proto.query = function (text) {
      texts.push(text);
      return query.call(this, text);
    };
    proto.parse = function (parsed) {
      texts.push(parsed.text);
      return parse.call(this, parsed);
    };
    try {
      await work();
    } finally {
      proto.query = query;
      proto.parse = parse;
    }
    return texts;
  }

  it("sends a tenant transaction's BEGIN and its tenant in one message", async () => {
    const sent = await messages(() =>
      inTenant(t.database.handle.db, botId, (tx) => tx.execute(sql`SELECT count(*) FROM customers`)),
    );
    expect(sent).toHaveLength(3);
    expect(sent[0]).toMatch(/^BEGIN;SET LOCAL app\.bot_id = '\d+'$/);
    expect(sent[1]).toContain('FROM customers');
    expect(sent[2]).toBe('commit');
  });

  it('keeps the transaction one: its setting in force, its start time shared, a failure rolled back whole', async () => {
    const seen = await inTenant(t.database.handle.db, botId, async (tx) => {
      const first = await tx.execute(sql`SELECT current_setting('app.bot_id') AS bot, now() AS at`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const second = await tx.execute(sql`SELECT now() AS at`);
      return { first: rowsOf(first)[0], second: rowsOf(second)[0] };
    });
    expect(seen.first?.bot).toBe(String(botId));
    expect(String(seen.second?.at)).toBe(String(seen.first?.at));

    const marker = `pool-test-${Date.now()}`;
    await expect(
      inPlatform(t.database.handle.db, async (tx) => {
        await tx.execute(sql`UPDATE bots SET name = ${marker} WHERE id = ${botId}`);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const names = await inPlatform(t.database.handle.db, (tx) =>
      tx.execute(sql`SELECT name FROM bots WHERE id = ${botId}`),
    );
    expect(rowsOf(names)[0]?.name).not.toBe(marker);
  });

  it('sends BEGIN on its own, just before, when the first statement has parameters', async () => {
    const marker = `pool-test-param-${Date.now()}`;
    const sent = await messages(() =>
      t.database.handle.db
        .transaction(async (tx) => {
          await tx.execute(sql`UPDATE bots SET name = ${marker} WHERE id = ${botId}`);
          throw new Error('rolled back');
        })
        .catch(() => undefined),
    );
    expect(sent[0]).toBe('BEGIN');
    expect(sent[1]).toContain('UPDATE bots');
    expect(sent.at(-1)).toBe('rollback');
  });
});
