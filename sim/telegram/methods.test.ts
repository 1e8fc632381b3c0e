import { Api, Bot, GrammyError, HttpError, InlineKeyboard, InputFile } from 'grammy';
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

async function grammyError(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

describe('tokens and errors', () => {
  it('answers 401 after revokeToken and 404 for unknown methods', async () => {
    await expect(api.getMe()).resolves.toMatchObject({ id: info.id });
    const unknown = await fetch(`${sim.apiRoot}/bot${info.token}/noSuchMethod`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });

    sim.revokeToken(info.token);
    const error = await grammyError(api.getMe());
    expect(error.error_code).toBe(401);
    expect(error.description).toBe('Unauthorized');
    const bot = new Bot(info.token, { client: { apiRoot: sim.apiRoot } });
    await expect(bot.start()).rejects.toMatchObject({ error_code: 401 });

    const fresh = sim.reissueToken(info);
    await expect(new Api(fresh, { apiRoot: sim.apiRoot }).getMe()).resolves.toMatchObject({ id: info.id });
  });

  it('accepts method names case-insensitively and params as query string', async () => {
    const res = await fetch(`${sim.apiRoot}/bot${info.token}/GETME`);
    expect(await res.json()).toMatchObject({ ok: true, result: { id: info.id } });
  });

  it('injects a 429 that grammY surfaces with retry_after, then recovers', async () => {
    const user = sim.user();
    user.start(info);
    const fault = sim.fault({
      kind: 'rate-limit',
      retryAfter: 7,
      botId: info,
      method: 'sendMessage',
      times: 1,
    });
    const error = await grammyError(api.sendMessage(user.id, 'x'));
    expect(error.error_code).toBe(429);
    expect(error.description).toBe('Too Many Requests: retry after 7');
    expect(error.parameters.retry_after).toBe(7);
    expect(fault.remaining).toBe(0);
    await expect(api.sendMessage(user.id, 'x')).resolves.toMatchObject({ text: 'x' });
  });

  it('injects 5xx, blocked, unauthorized, delays and dropped connections on demand', async () => {
    const user = sim.user();
    user.start(info);
    sim.fault({ kind: 'server-error', status: 502, times: 1 });
    expect((await grammyError(api.sendMessage(user.id, 'a'))).error_code).toBe(502);

    sim.fault({ kind: 'blocked', chatId: user.id, times: 1 });
    expect((await grammyError(api.sendMessage(user.id, 'b'))).description).toBe(
      'Forbidden: bot was blocked by the user',
    );

    const handle = sim.fault({ kind: 'unauthorized', botId: info });
    expect((await grammyError(api.getMe())).error_code).toBe(401);
    handle.clear();

    sim.fault({ kind: 'delay', ms: 150, method: 'getMe', times: 1 });
    const started = Date.now();
    await api.getMe();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    sim.fault({ kind: 'network', method: 'getMe', times: 1 });
    await expect(api.getMe()).rejects.toBeInstanceOf(HttpError);
    await expect(api.getMe()).resolves.toMatchObject({ id: info.id });
  });

  it('reports 403 for a user who blocked the bot and tells the bot via my_chat_member', async () => {
    const user = sim.user();
    user.start(info);
    sim.blockBot(info, user);
    const error = await grammyError(api.sendMessage(user.id, 'promo'));
    expect(error.error_code).toBe(403);
    expect(error.description).toBe('Forbidden: bot was blocked by the user');
    const updates = await api.getUpdates();
    expect(updates.at(-1)?.my_chat_member?.new_chat_member.status).toBe('kicked');
    // Writing to the bot again unblocks it, like pressing "Restart".
    user.sendText(info, 'back');
    await expect(api.sendMessage(user.id, 'welcome back')).resolves.toBeDefined();
  });
});

describe('messages', () => {
  it('validates text, chat and callback_data like Telegram', async () => {
    const user = sim.user();
    expect((await grammyError(api.sendMessage(user.id, 'hi'))).description).toBe(
      'Bad Request: chat not found',
    );
    user.start(info);
    expect((await grammyError(api.sendMessage(user.id, ''))).description).toBe(
      'Bad Request: message text is empty',
    );
    const longData = new InlineKeyboard().text('x', 'd'.repeat(65));
    const error = await grammyError(api.sendMessage(user.id, 'hi', { reply_markup: longData }));
    expect(error.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    expect((await grammyError(api.sendMessage(user.id, '<b>x', { parse_mode: 'HTML' }))).description).toBe(
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    );
  });

  it('parses HTML into text and entities, and keeps per-chat increasing ids', async () => {
    const user = sim.user();
    user.start(info);
    const message = await api.sendMessage(user.id, 'Plan <b>Pro</b> &amp; <a href="https://x.io">docs</a>', {
      parse_mode: 'HTML',
    });
    expect(message.text).toBe('Plan Pro & docs');
    expect(message.entities).toEqual([
      { type: 'bold', offset: 5, length: 3 },
      { type: 'text_link', offset: 11, length: 4, url: 'https://x.io' },
    ]);
    const next = await api.sendMessage(user.id, 'next');
    expect(next.message_id).toBe(message.message_id + 1);
  });

  it('edits text and markup, rejects identical edits, and deletes', async () => {
    const user = sim.user();
    user.start(info);
    const sent = await api.sendMessage(user.id, 'v1', { reply_markup: new InlineKeyboard().text('A', 'a') });
    const edited = await api.editMessageText(user.id, sent.message_id, 'v2', {
      reply_markup: new InlineKeyboard().text('B', 'b'),
    });
    expect(edited).toMatchObject({
      text: 'v2',
      reply_markup: { inline_keyboard: [[{ text: 'B', callback_data: 'b' }]] },
    });
    const same = await grammyError(
      api.editMessageText(user.id, sent.message_id, 'v2', {
        reply_markup: new InlineKeyboard().text('B', 'b'),
      }),
    );
    expect(same.description).toMatch(/^Bad Request: message is not modified/);
    await api.editMessageReplyMarkup(user.id, sent.message_id, {
      reply_markup: new InlineKeyboard().text('C', 'c'),
    });
    expect(sim.message(info, user, sent.message_id)?.buttons[0]?.[0]?.text).toBe('C');

    await api.deleteMessage(user.id, sent.message_id);
    expect(sim.message(info, user, sent.message_id)?.deleted).toBe(true);
    expect((await grammyError(api.deleteMessage(user.id, sent.message_id))).description).toBe(
      'Bad Request: message to delete not found',
    );
    expect((await grammyError(api.editMessageText(user.id, 999, 'x'))).description).toBe(
      'Bad Request: message to edit not found',
    );
  });

  it('uploads a document as multipart, then getFile and downloads the same bytes', async () => {
    const user = sim.user();
    user.start(info);
    const bytes = new Uint8Array(Array.from({ length: 3000 }, (_, i) => i % 256));
    const message = await api.sendDocument(user.id, new InputFile(bytes, 'config.conf'), {
      caption: 'your config',
      reply_markup: new InlineKeyboard().text('Done', 'done'),
    });
    expect(message.document).toMatchObject({ file_name: 'config.conf', file_size: 3000 });
    expect(message.caption).toBe('your config');
    expect(message.reply_markup?.inline_keyboard[0]?.[0]?.text).toBe('Done');
    const call = await sim.waitForCall({ botId: info, method: 'sendDocument' });
    expect(call.params.document).toEqual({ upload: 'config.conf', size: 3000 });

    const file = await api.getFile(message.document!.file_id);
    expect(file.file_unique_id).toBe(message.document?.file_unique_id);
    const res = await fetch(`${sim.apiRoot}/file/bot${info.token}/${file.file_path}`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);

    // Re-sending by file_id reuses the file; a new upload is a new file.
    const again = await api.sendDocument(user.id, message.document!.file_id);
    expect(again.document?.file_unique_id).toBe(message.document?.file_unique_id);
    const other = await api.sendDocument(user.id, new InputFile(bytes, 'config.conf'));
    expect(other.document?.file_unique_id).not.toBe(message.document?.file_unique_id);
    // A file_id belongs to the bot that got it.
    const second = sim.addBot();
    sim.user({ id: user.id }).start(second);
    const foreign = new Api(second.token, { apiRoot: sim.apiRoot });
    expect((await grammyError(foreign.sendDocument(user.id, message.document!.file_id))).description).toBe(
      'Bad Request: wrong file identifier/HTTP URL specified',
    );
  });

  it('gets photos from users in several sizes and lets the bot download the largest', async () => {
    const user = sim.user();
    user.start(info);
    const sent = user.sendPhoto(info, { caption: 'receipt', bytes: new Uint8Array([1, 2, 3, 4]) });
    const photo = sent.message.photo!;
    expect(photo.length).toBeGreaterThan(1);
    expect(photo.at(-1)!.width).toBeGreaterThan(photo[0]!.width);
    expect(sent.message.caption).toBe('receipt');
    const file = await api.getFile(photo.at(-1)!.file_id);
    const res = await fetch(`${sim.apiRoot}/file/bot${info.token}/${file.file_path}`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4]));

    // The same picture sent to another bot keeps its file_unique_id but gets another file_id.
    const other = sim.addBot();
    const resent = sim.user({ id: user.id }).sendPhoto(other, { fileUniqueId: photo.at(-1)!.file_unique_id });
    expect(resent.message.photo!.at(-1)!.file_unique_id).toBe(photo.at(-1)!.file_unique_id);
    expect(resent.message.photo!.at(-1)!.file_id).not.toBe(photo.at(-1)!.file_id);

    const doc = user.sendDocument(info, { fileName: 'receipt.pdf', caption: 'pdf receipt' });
    expect(doc.message.document).toMatchObject({ file_name: 'receipt.pdf', mime_type: 'application/pdf' });
  });

  it('copies a user message into a forum topic of an admin group, where an admin presses a button', async () => {
    const user = sim.user();
    user.start(info);
    const receipt = user.sendPhoto(info, { caption: 'paid 100' });
    const admins = sim.group({ title: 'Admins', isForum: true });
    admins.addBot(info);
    const admin = sim.user({ firstName: 'Admin' });
    admins.setMember(admin, 'administrator');
    const topic = await api.createForumTopic(admins.id, 'Payments');

    const copy = await api.copyMessage(admins.id, user.id, receipt.messageId, {
      message_thread_id: topic.message_thread_id,
      reply_markup: new InlineKeyboard().text('Approve', 'ok:1').text('Reject', 'no:1'),
    });
    const copied = sim.message(info, admins, copy.message_id)!;
    expect(copied).toMatchObject({ caption: 'paid 100', threadId: topic.message_thread_id, fromBot: true });
    expect(copied.photo?.at(-1)?.file_unique_id).toBe(receipt.message.photo?.at(-1)?.file_unique_id);

    const press = admin.pressButton(info, { chat: admins, button: 'Approve' });
    const updates = await api.getUpdates({ offset: -1 });
    const query = updates[0]?.callback_query;
    expect(query).toMatchObject({ id: press.callbackQueryId, data: 'ok:1', from: { id: admin.id } });
    expect(query?.message?.chat.id).toBe(admins.id);
    expect(
      query?.message && 'message_thread_id' in query.message ? query.message.message_thread_id : undefined,
    ).toBe(topic.message_thread_id);
    await api.answerCallbackQuery(press.callbackQueryId, { text: 'Approved', show_alert: true });
    expect(sim.callbackAnswers(info)).toMatchObject([{ text: 'Approved', showAlert: true }]);
    expect((await grammyError(api.answerCallbackQuery(press.callbackQueryId))).description).toBe(
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );

    expect(
      (await grammyError(api.sendMessage(admins.id, 'x', { message_thread_id: 424242 }))).description,
    ).toBe('Bad Request: message thread not found');
  });

  it('reports chat members with settable statuses', async () => {
    const channel = sim.group({ type: 'channel', title: 'News', username: 'news_channel' });
    const user = sim.user();
    expect((await grammyError(api.getChatMember(channel.id, user.id))).description).toBe(
      'Bad Request: chat not found',
    );
    channel.addBot(info);
    await expect(api.getChatMember('@news_channel', user.id)).resolves.toMatchObject({ status: 'left' });
    for (const status of ['member', 'administrator', 'creator', 'restricted', 'kicked'] as const) {
      sim.setChatMember(channel, user, status);
      await expect(api.getChatMember(channel.id, user.id)).resolves.toMatchObject({
        status,
        user: { id: user.id },
      });
    }
    const chat = await api.getChat(channel.id);
    expect(chat).toMatchObject({ id: channel.id, type: 'channel', title: 'News' });
  });

  it('records calls with params and explains timeouts with recent calls', async () => {
    const user = sim.user();
    user.start(info);
    await api.sendMessage(user.id, 'logged');
    const mark = sim.mark();
    expect(sim.calls({ method: 'sendMessage', chatId: user.id })[0]?.params.text).toBe('logged');
    const error = await sim
      .waitForCall({ botId: info, method: 'sendMessage', since: mark, timeoutMs: 50 })
      .catch((e: unknown) => e as Error);
    expect(String(error)).toMatch(/timed out after 50 ms: waitForCall\(bot \d+ sendMessage after #\d+\)/);
    expect(String(error)).toContain('sendMessage {"chat_id"');
    sim.clearLog();
    expect(sim.calls()).toEqual([]);
  });
});
