import { readFile } from 'node:fs/promises';
import { Api } from 'grammy';
import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTranslator } from '../../src/bot/i18n.js';
import { backupParts } from '../../src/bot/notices/backup-notices.js';
import { createNotices } from '../../src/bot/notices/notices.js';
import { BackupError, type BackupFile, type BackupMaker, createBackupMaker } from '../../src/db/backup.js';
import type { JobDeps } from '../../src/jobs/define.js';
import { dailyBackup } from '../../src/jobs/definitions/daily-backup.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { BACKENDS } from '../support/database.js';
import { type FleetHarness, type ShopUnderTest, startFleetHarness } from '../support/fleet.js';

const OPERATOR = 4_400_001;

describe('backupParts', () => {
  it('cuts a file into ranges no larger than a part, covering every byte once', () => {
    expect(backupParts(10, 4)).toEqual([
      { start: 0, end: 3 },
      { start: 4, end: 7 },
      { start: 8, end: 9 },
    ]);
    expect(backupParts(8, 4)).toHaveLength(2);
    expect(backupParts(3, 4)).toEqual([{ start: 0, end: 2 }]);
  });
});

describe.each(BACKENDS)('the daily backup on %s', (backend) => {
  let h: FleetHarness;
  let master: ShopUnderTest;
  let maker: BackupMaker;
  let deps: JobDeps;
  const logger = createSilentLogger();
  const run = (jobDeps: JobDeps) =>
    dailyBackup.handler({ logger, signal: new AbortController().signal, windowStart: new Date() }, jobDeps);

  /** The documents the master bot sent the operator since `since`, with their bytes. */
  const documentsSent = async (since: number) => {
    const api = new Api(master.bot.token, { apiRoot: h.sim.apiRoot });
    const sent = [];
    for (const call of h.sim.calls({ botId: master.bot.id, method: 'sendDocument' })) {
      if (call.seq <= since || !call.ok) continue;
      expect(Number(call.params.chat_id)).toBe(OPERATOR);
      const message = (call.response as { result: Message }).result;
      const file = await api.getFile(message.document!.file_id);
      const response = await fetch(`${h.sim.apiRoot}/file/bot${master.bot.token}/${file.file_path}`);
      sent.push({
        name: message.document!.file_name,
        caption: message.caption ?? '',
        bytes: Buffer.from(await response.arrayBuffer()),
      });
    }
    return sent;
  };

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
    master = await h.addTenant('Master', { isMaster: true, adminTelegramIds: [OPERATOR] });
    await h.testApp.app.forTenant(master.id).settings.set('default_language', 'en', 'operator');
    // the operator has opened the master bot, so it may write to them
    h.sim.user({ id: OPERATOR, firstName: 'Operator', languageCode: 'en' }).start(master.bot);
    maker = createBackupMaker({
      dumpEmbedded: h.testApp.database.handle.dumpEmbedded,
      ownerUrl: h.testApp.database.url,
    });
    const notices = createNotices({
      app: h.testApp.app,
      fleet: h.platform.fleet,
      translator: createTranslator(),
    });
    deps = { app: h.testApp.app, notices, backups: maker };
  }, 60_000);
  afterAll(() => h?.close());

  it('sends the day’s backup to the operators as one document, the same bytes, then deletes the file', async () => {
    let made: BackupFile | undefined;
    const since = h.sim.mark();
    await run({
      ...deps,
      backups: {
        create: async () => {
          made = await maker.create();
          return made;
        },
        discard: maker.discard,
      },
    });
    expect(made).toBeDefined();
    const sent = await documentsSent(since);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.caption).toMatch(/^🗄 Daily backup of the database \((PostgreSQL|embedded)\)/);
    expect(sent[0]?.name).toMatch(backend === 'postgres' ? /\.dump$/ : /\.tar\.gz$/);
    // what arrived is the backup: the first bytes say its kind, and the file is gone once sent
    const head = sent[0]!.bytes;
    if (backend === 'postgres') expect(head.subarray(0, 5).toString('latin1')).toBe('PGDMP');
    else expect([head[0], head[1]]).toEqual([0x1f, 0x8b]);
    expect(sent[0]?.bytes.length).toBe(made?.bytes);
    await expect(readFile(made!.path)).rejects.toThrow(/ENOENT/);
  }, 60_000);

  it('over the limit, sends it in parts that join into the same file', async () => {
    const file = await maker.create();
    try {
      const original = await readFile(file.path);
      const partBytes = Math.ceil(file.bytes / 3);
      const since = h.sim.mark();
      const outcome = await deps.notices.backupReady(file, logger, { partBytes, maxParts: 5 });
      expect(outcome).toBe('sent');
      const sent = await documentsSent(since);
      expect(sent.map((part) => part.name)).toEqual(
        [1, 2, 3].map((n) => `${file.path.split('/').at(-1)}.part0${n}`),
      );
      expect(sent[1]?.caption).toContain('part 2 of 3');
      expect(Buffer.concat(sent.map((part) => part.bytes)).equals(original)).toBe(true);
    } finally {
      await maker.discard(file);
    }
  }, 60_000);

  it('too large even in parts: not sent, the operators are told', async () => {
    const file = await maker.create();
    try {
      const since = h.sim.mark();
      const outcome = await deps.notices.backupReady(file, logger, { partBytes: 1024, maxParts: 2 });
      expect(outcome).toBe('too_large');
      expect(await documentsSent(since)).toHaveLength(0);
      const told = h.sim
        .calls({ botId: master.bot.id, method: 'sendMessage' })
        .filter((call) => call.seq > since && call.params.chat_id === OPERATOR);
      expect(told).toHaveLength(1);
      expect(String(told[0]?.params.text)).toMatch(/too large to send through Telegram/);
    } finally {
      await maker.discard(file);
    }
  }, 60_000);

  it('a backup that fails is reported to the operators; without DAILY_BACKUP nothing happens', async () => {
    let since = h.sim.mark();
    await run({
      ...deps,
      backups: {
        create: () => Promise.reject(new BackupError('pg_dump is not installed')),
        discard: maker.discard,
      },
    });
    const failed = h.sim
      .calls({ botId: master.bot.id, method: 'sendMessage' })
      .filter((call) => call.seq > since && call.params.chat_id === OPERATOR);
    expect(failed).toHaveLength(1);
    expect(String(failed[0]?.params.text)).toContain('pg_dump is not installed');

    since = h.sim.mark();
    await run({ app: deps.app, notices: deps.notices });
    expect(h.sim.calls({ botId: master.bot.id }).filter((call) => call.seq > since)).toHaveLength(0);
  }, 60_000);
});
