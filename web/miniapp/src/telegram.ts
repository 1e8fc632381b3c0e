/*
 * A tiny reader of what Telegram gives a Mini App. Inside Telegram, telegram-web-app.js (when the
 * page loads it) exposes window.Telegram.WebApp; without it, Telegram's clients pass the same data
 * in the URL fragment: #tgWebAppData=<initData>&tgWebAppThemeParams=<json>&tgWebAppVersion=...
 * We read either, so the page works in Telegram, in a plain browser (the demo) and in tests.
 */

export interface ThemeParams {
  readonly [key: string]: string | undefined;
}

interface WebApp {
  readonly initData?: string;
  readonly themeParams?: ThemeParams;
  ready?(): void;
  expand?(): void;
  openLink?(url: string): void;
  openInvoice?(url: string, callback?: (status: string) => void): void;
}

declare global {
  interface Window {
    Telegram?: { WebApp?: WebApp };
  }
}

const fragment = () => new URLSearchParams(window.location.hash.slice(1));

const webApp = (): WebApp | undefined => window.Telegram?.WebApp;

/** The signed `initData` string, exactly as Telegram passed it (the server checks it). */
export function readInitData(): string {
  const fromScript = webApp()?.initData;
  if (fromScript) return fromScript;
  return fragment().get('tgWebAppData') ?? '';
}

/** The user's Telegram language, from the (unverified) initData: only a first guess before /me answers. */
export function telegramLanguage(initData: string): string | undefined {
  try {
    const user = JSON.parse(new URLSearchParams(initData).get('user') ?? 'null') as {
      language_code?: string;
    } | null;
    return user?.language_code;
  } catch {
    return undefined;
  }
}

/** Telegram's theme colours as CSS variables (--tg-theme-bg-color...), the stylesheet's defaults otherwise. */
export function applyTheme(): void {
  let params: ThemeParams | undefined = webApp()?.themeParams;
  if (!params || Object.keys(params).length === 0) {
    try {
      params = JSON.parse(fragment().get('tgWebAppThemeParams') ?? '{}') as ThemeParams;
    } catch {
      params = {};
    }
  }
  const style = document.documentElement.style;
  for (const [key, value] of Object.entries(params ?? {})) {
    if (typeof value === 'string' && /^#[0-9a-fA-F]{3,8}$/.test(value))
      style.setProperty(`--tg-theme-${key.replace(/_/g, '-')}`, value);
  }
  webApp()?.ready?.();
  webApp()?.expand?.();
}

/** Opens an external page (Zarinpal): in Telegram's browser when inside Telegram. */
export function openLink(url: string): void {
  const app = webApp();
  if (app?.openLink) app.openLink(url);
  else window.open(url, '_blank', 'noopener');
}

/** Opens a Stars invoice inside Telegram; resolves to its status ("paid", "cancelled"...), or undefined outside Telegram. */
export function openInvoice(url: string): Promise<string | undefined> {
  const app = webApp();
  if (!app?.openInvoice) return Promise.resolve(undefined);
  return new Promise((resolve) => app.openInvoice?.(url, (status) => resolve(status)));
}
