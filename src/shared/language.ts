/** The languages every screen is written in; Persian first. */
export type Language = 'fa' | 'en' | 'ru';
