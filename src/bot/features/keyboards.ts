import { InlineKeyboard } from 'grammy';
import type { Translate } from '../i18n.js';

/** The customer's way back: one "Back to menu" button, which opens the main menu. */
export const backToMenu = (t: Translate): InlineKeyboard =>
  new InlineKeyboard().text(t('back-to-menu'), 'menu:home');
