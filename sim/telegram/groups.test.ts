import { Api, GrammyError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SimBot, startTelegramSim, type TelegramSim } from './index.js';

let sim: TelegramSim;
let info: SimBot;
let api: Api;

beforeEach(async () => {
  sim = await startTelegramSim();
  info = sim.addBot();
  api = new Api(info.token, { apiRoot: sim.apiRoot });
});

afterEach(async () => {
  await sim.close();
});

describe('a basic group upgraded to a supergroup', () => {
  it('refuses the old id with migrate_to_chat_id and works under the new one', async () => {
    const group = sim.group({ type: 'group', title: 'Admins' });
    group.addBot(info);
    await api.sendMessage(group.id, 'before');

    const upgraded = sim.upgradeToSupergroup(group);
    expect(upgraded.type).toBe('supergroup');
    expect(upgraded.title).toBe('Admins');
    expect(upgraded.id).not.toBe(group.id);

    const error = await api.sendMessage(group.id, 'after').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(400);
    expect((error as GrammyError).description).toBe(
      'Bad Request: group chat was upgraded to a supergroup chat',
    );
    expect((error as GrammyError).parameters.migrate_to_chat_id).toBe(upgraded.id);

    const sent = await api.sendMessage(upgraded.id, 'after');
    expect(sent.chat).toMatchObject({ id: upgraded.id, type: 'supergroup' });
    expect(sim.chat(info, upgraded).messages.map((m) => m.text)).toContain('after');

    // the bot hears of the move as Telegram tells it: service messages in both chats
    const updates = await api.getUpdates({ timeout: 0 });
    const moves = updates.map((u) => u.message).filter((m) => m !== undefined);
    expect(moves).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          chat: expect.objectContaining({ id: group.id }),
          migrate_to_chat_id: upgraded.id,
        }),
        expect.objectContaining({
          chat: expect.objectContaining({ id: upgraded.id }),
          migrate_from_chat_id: group.id,
        }),
      ]),
    );
  });

  it('upgrades only basic groups, once', () => {
    const supergroup = sim.group({ title: 'Already super' });
    expect(() => sim.upgradeToSupergroup(supergroup)).toThrow(/not a basic group/);
    const group = sim.group({ type: 'group' });
    sim.upgradeToSupergroup(group);
    expect(() => sim.upgradeToSupergroup(group)).toThrow(/already upgraded/);
  });
});
