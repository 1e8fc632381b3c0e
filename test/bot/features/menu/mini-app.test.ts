import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotContext } from '../../../../src/bot/context.js';
import { buildMainMenu, findMenuEntries } from '../../../../src/bot/features/main-menu.js';
import { syncMenuButton } from '../../../../src/bot/features/menu/mini-app.js';
import { createTranslator } from '../../../../src/bot/i18n.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../../support/database.js';

const translator = createTranslator();

describe.each(BACKENDS)('the Mini App buttons on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend, { publicBaseUrl: 'https://shops.example/' });
  });
  afterAll(() => t.close());

  it('opens the shop’s own Mini App from the main menu while the switch is on', async () => {
    const { tenant } = await createTenant(t.app, 'Kilo');
    const services = t.app.forTenant(tenant.id);
    expect(services.miniApp.url()).toBe(`https://shops.example/app/${tenant.id}`);
    expect(await findMenuEntries(services)).not.toContain('mini_app');
    await services.flags.set('mini_app', true);
    expect(await findMenuEntries(services)).toContain('mini_app');
    const keyboard = await buildMainMenu(services, translator.forLanguage('en'));
    const webApps = keyboard.inline_keyboard
      .flat()
      .flatMap((b) => ('web_app' in b && b.web_app ? [b.web_app.url] : []));
    expect(webApps).toEqual([`https://shops.example/app/${tenant.id}`]);
  });

  it('sets the chat’s menu button once, in the customer’s language, and back to the default when switched off', async () => {
    const { tenant } = await createTenant(t.app, 'Lima');
    const services = t.app.forTenant(tenant.id);
    const calls: unknown[] = [];
    const ctx = {
      chat: { id: 77, type: 'private' },
      shop: { services },
      session: {},
      t: translator.forLanguage('fa'),
      api: {
        setChatMenuButton: async (other: unknown) => {
          calls.push(other);
          return true as const;
        },
      },
      logger: { warn: () => undefined },
    } as unknown as BotContext;

    await syncMenuButton(ctx);
    expect(calls).toEqual([]); // off: Telegram's default, nothing to ask
    await services.flags.set('mini_app', true);
    await syncMenuButton(ctx);
    await syncMenuButton(ctx);
    expect(calls).toEqual([
      {
        chat_id: 77,
        menu_button: {
          type: 'web_app',
          text: 'فروشگاه',
          web_app: { url: `https://shops.example/app/${tenant.id}` },
        },
      },
    ]);
    await services.flags.set('mini_app', false);
    await syncMenuButton(ctx);
    expect(calls.at(-1)).toEqual({ chat_id: 77, menu_button: { type: 'default' } });
    expect(ctx.session.menuButton).toBeUndefined();
  });
});
