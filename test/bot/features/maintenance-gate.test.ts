import { describe, expect, it } from 'vitest';
import type { BotContext } from '../../../src/bot/context.js';
import { createMaintenanceGate } from '../../../src/bot/features/maintenance-gate.js';
import { createSilentLogger } from '../../../src/shared/logger.js';

/*
 * The gate alone, with a fake update context: which updates pass, what the customer is told and how
 * often. test/bot/features/maintenance.test.ts runs it in the fleet against the Telegram simulator.
 */

const ADMIN = 10;
const OPERATOR = 20;
const CUSTOMER = 30;
/** When the maintenance of these tests began. */
const SINCE = new Date('2026-12-04T20:00:00Z');

interface Switches {
  shop: boolean;
  platform: boolean;
  message?: string;
}

function fakeUpdate(
  switches: Switches,
  update: {
    from?: number;
    text?: string;
    successfulPayment?: boolean;
    preCheckout?: boolean;
    callback?: boolean;
    myChatMember?: boolean;
    chatType?: 'private' | 'group';
    awaitingReceipt?: boolean;
    /** When the card was shown (default: now). */
    receiptAskedAt?: number;
  },
) {
  const said: { kind: string; text: string | undefined; ok?: boolean }[] = [];
  const state = () => ({
    shop: { on: switches.shop, since: switches.shop ? SINCE : null },
    platform: { on: switches.platform, since: switches.platform ? SINCE : null },
    on: switches.shop || switches.platform,
  });
  const from = update.from ?? CUSTOMER;
  const chat = { id: from, type: update.chatType ?? 'private' };
  const message =
    update.text !== undefined || update.successfulPayment
      ? {
          message_id: 1,
          chat,
          text: update.text,
          ...(update.successfulPayment ? { successful_payment: { total_amount: 10 } } : {}),
        }
      : undefined;
  const ctx = {
    from: { id: from, is_bot: false, first_name: 'X' },
    chat,
    message,
    myChatMember: update.myChatMember ? {} : undefined,
    preCheckoutQuery: update.preCheckout ? { id: 'q' } : undefined,
    callbackQuery: update.callback ? { id: 'c', data: 'menu:buy' } : undefined,
    session: update.awaitingReceipt
      ? { awaiting: { kind: 'receipt', at: update.receiptAskedAt ?? Date.now() } }
      : {},
    shop: {
      tenant: { id: 7, adminTelegramIds: [ADMIN], isMaster: false },
      services: {
        maintenance: {
          state: async () => state(),
          platformView: async () => ({ ...state().platform, operatorIds: [OPERATOR], masterId: 1 }),
        },
        settings: { get: async () => switches.message ?? '' },
      },
    },
    t: (key: string) => `<${key}>`,
    logger: createSilentLogger(),
    reply: async (text: string) => {
      said.push({ kind: 'reply', text });
    },
    answerCallbackQuery: async (options: { text?: string }) => {
      said.push({ kind: 'toast', text: options.text });
    },
    answerPreCheckoutQuery: async (ok: boolean, options?: { error_message?: string }) => {
      said.push({ kind: 'checkout', ok, text: options?.error_message });
    },
  } as unknown as BotContext;
  return { ctx, said };
}

/** Runs one update through the gate: whether it went on, and what was said. */
async function run(
  gate: ReturnType<typeof createMaintenanceGate>,
  switches: Switches,
  update: Parameters<typeof fakeUpdate>[1],
) {
  const { ctx, said } = fakeUpdate(switches, update);
  let passed = false;
  await gate.middleware()(ctx, async () => {
    passed = true;
  });
  return { passed, said };
}

describe('maintenance gate', () => {
  const ON: Switches = { shop: true, platform: false };

  it('lets everything through while nothing is in maintenance', async () => {
    const gate = createMaintenanceGate();
    expect(await run(gate, { shop: false, platform: false }, { text: 'hi' })).toEqual({
      passed: true,
      said: [],
    });
  });

  it('tells a customer "back soon" once per window, whatever they send, and does nothing else', async () => {
    let now = 1_000_000;
    const gate = createMaintenanceGate({ everyMs: 60_000, now: () => now });
    expect(await run(gate, ON, { text: '/start' })).toEqual({
      passed: false,
      said: [{ kind: 'reply', text: '<mnt-back-soon>' }],
    });
    now += 30_000;
    expect(await run(gate, ON, { text: 'hello?' })).toEqual({ passed: false, said: [] });
    now += 31_000;
    expect((await run(gate, ON, { text: 'anyone?' })).said).toEqual([
      { kind: 'reply', text: '<mnt-back-soon>' },
    ]);
    // another customer is told on their own
    expect((await run(gate, ON, { from: CUSTOMER + 1, text: 'hi' })).said).toHaveLength(1);
  });

  it('answers every button press with the line as an alert, and refuses a Stars checkout with it', async () => {
    const gate = createMaintenanceGate();
    for (let i = 0; i < 2; i++) {
      expect(await run(gate, ON, { callback: true })).toEqual({
        passed: false,
        said: [{ kind: 'toast', text: '<mnt-back-soon>' }],
      });
    }
    expect(await run(gate, ON, { preCheckout: true })).toEqual({
      passed: false,
      said: [{ kind: 'checkout', ok: false, text: '<mnt-back-soon>' }],
    });
  });

  it("says the shop's own words when it wrote some", async () => {
    const gate = createMaintenanceGate();
    const { said } = await run(gate, { ...ON, message: 'Back at 18:00!' }, { callback: true });
    expect(said).toEqual([{ kind: 'toast', text: 'Back at 18:00!' }]);
  });

  it('lets money already paid through: a successful payment, the receipt the customer was asked for', async () => {
    const gate = createMaintenanceGate();
    expect(await run(gate, ON, { successfulPayment: true })).toEqual({ passed: true, said: [] });
    expect(await run(gate, ON, { text: 'paid, tracking 1234', awaitingReceipt: true })).toEqual({
      passed: true,
      said: [],
    });
    // a message long after the card was shown is no receipt any more (the shop takes none then)
    const stale = Date.now() - 7 * 3_600_000;
    expect((await run(gate, ON, { text: 'paid', awaitingReceipt: true, receiptAskedAt: stale })).passed).toBe(
      false,
    );
    // a command is not a receipt
    expect((await run(gate, ON, { text: '/start', awaitingReceipt: true })).passed).toBe(false);
    // blocking the bot is always heard
    expect((await run(gate, ON, { myChatMember: true })).passed).toBe(true);
  });

  it("lets the shop's admins and the operators work, in the shop's and the platform's maintenance", async () => {
    const gate = createMaintenanceGate();
    for (const switches of [ON, { shop: false, platform: true }]) {
      expect(await run(gate, switches, { from: ADMIN, text: '/admin' })).toEqual({ passed: true, said: [] });
      expect(await run(gate, switches, { from: OPERATOR, callback: true })).toEqual({
        passed: true,
        said: [],
      });
      expect((await run(gate, switches, { from: CUSTOMER + 5, callback: true })).passed).toBe(false);
    }
  });

  it('drops quietly what is not a private message or a press (group messages)', async () => {
    const gate = createMaintenanceGate();
    expect(await run(gate, ON, { text: 'hi all', chatType: 'group' })).toEqual({ passed: false, said: [] });
  });
});

describe('maintenance gate, a second maintenance', () => {
  it('tells a customer again when a new maintenance began, even within the window', async () => {
    const gate = createMaintenanceGate({ everyMs: 60_000, now: () => 5_000_000 });
    const first = fakeUpdate({ shop: true, platform: false }, { text: 'hi' });
    await gate.middleware()(first.ctx, async () => {});
    expect(first.said).toHaveLength(1);
    // the same customer, the same moment, but the platform's maintenance began meanwhile
    const second = fakeUpdate({ shop: true, platform: true }, { text: 'hi' });
    await gate.middleware()(second.ctx, async () => {});
    expect(second.said).toEqual([{ kind: 'reply', text: '<mnt-back-soon>' }]);
  });
});
