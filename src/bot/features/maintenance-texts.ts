import type { MaintenanceState } from '../../modules/maintenance/maintenance-service.js';
import type { Language } from '../../shared/language.js';
import type { Translate } from '../i18n.js';

// fa dates in the Persian (Jalali) calendar, as in every Persian screen
const LOCALES: Record<Language, string> = { fa: 'fa-IR-u-ca-persian', en: 'en-GB', ru: 'ru-RU' };

/** "4 December 2026, 21:40", in the reader's language, calendar and the shop's time zone. */
export function formatMoment(date: Date, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone,
  }).format(date);
}

/** "on since …" or "off", for the admin menu and the operators' panel. */
export function maintenanceStateText(
  state: MaintenanceState,
  t: Translate,
  language: Language,
  timeZone: string,
): string {
  return t('mnt-state', {
    on: state.on ? 'yes' : 'no',
    since: state.since ? formatMoment(state.since, language, timeZone) : '',
  });
}
