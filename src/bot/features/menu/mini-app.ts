import type { MenuSection, MenuSwitches } from '../section.js';

const urlOf = ({ flags }: MenuSwitches) => flags.mini_app.config.url;

/** The shop's mini app, opened inside Telegram (a web app button: nothing for the bot to answer). */
export const miniAppSection: MenuSection = {
  entry: 'mini_app',
  isShown: (switches) => {
    const url = urlOf(switches);
    return switches.flags.mini_app.enabled && typeof url === 'string' && url.startsWith('https://');
  },
  button: (t, switches) => ({ text: t('menu-mini-app'), webApp: String(urlOf(switches)) }),
};
