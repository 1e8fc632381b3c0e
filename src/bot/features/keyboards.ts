import { InlineKeyboard } from 'grammy';
import { callbackData } from '../callback-data.js';
import type { Translate } from '../i18n.js';

/** Opens the customer's main menu. */
export const menuHomeButton = callbackData('menu:home');

/** The customer's way back: one "Back to menu" button, which opens the main menu. */
export const backToMenu = (t: Translate): InlineKeyboard =>
  new InlineKeyboard().text(t('back-to-menu'), menuHomeButton.build());
