import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** The Telegram user a Mini App's `initData` names (the fields we use). */
export interface InitDataUser {
  readonly id: number;
  readonly firstName: string;
  readonly languageCode: string | undefined;
}

export type InitDataCheck =
  | { readonly ok: true; readonly user: InitDataUser; readonly authDate: Date }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad_signature' | 'expired' };

const userSchema = z.object({
  id: z.number().int().positive(),
  first_name: z.string().max(256).default(''),
  language_code: z.string().max(35).optional(),
});

/** Longest `initData` taken: Telegram's are well under 2 KB. */
export const MAX_INIT_DATA_LENGTH = 4096;

/**
 * Checks a Mini App's `initData` as Telegram documents it: the data-check string is every field
 * but `hash`, sorted by key, as `key=value` lines; the secret key is HMAC-SHA256 of the bot token
 * keyed with "WebAppData"; `hash` must be the hex HMAC-SHA256 of the data-check string under that
 * key (compared in constant time), and `auth_date` no older than `maxAgeSeconds`. A string signed
 * with another bot's token fails the signature: a shop's Mini App trusts only its own bot.
 */
export function checkInitData(
  raw: string,
  botToken: string,
  options: { readonly maxAgeSeconds: number; readonly now: Date },
): InitDataCheck {
  if (raw.length === 0 || raw.length > MAX_INIT_DATA_LENGTH) return { ok: false, reason: 'malformed' };
  const params = new URLSearchParams(raw);
  const hash = params.get('hash');
  if (!hash || !/^[0-9a-f]{64}$/.test(hash)) return { ok: false, reason: 'malformed' };
  const expected = signInitDataFields(params, botToken);
  if (!timingSafeEqual(Buffer.from(hash, 'hex'), Buffer.from(expected, 'hex')))
    return { ok: false, reason: 'bad_signature' };
  const authDate = Number(params.get('auth_date'));
  if (!Number.isSafeInteger(authDate) || authDate <= 0) return { ok: false, reason: 'malformed' };
  const age = options.now.getTime() / 1000 - authDate;
  // a clock a minute ahead of ours is tolerated; a date further in the future is not Telegram's
  if (age > options.maxAgeSeconds || age < -60) return { ok: false, reason: 'expired' };
  let user: z.infer<typeof userSchema>;
  try {
    const parsed = userSchema.safeParse(JSON.parse(params.get('user') ?? 'null'));
    if (!parsed.success) return { ok: false, reason: 'malformed' };
    user = parsed.data;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  return {
    ok: true,
    user: { id: user.id, firstName: user.first_name, languageCode: user.language_code },
    authDate: new Date(authDate * 1000),
  };
}

/** The hex signature of every field but `hash`, as Telegram computes it for `botToken`. */
function signInitDataFields(params: URLSearchParams, botToken: string): string {
  const lines = [...params.entries()]
    .filter(([key]) => key !== 'hash')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`);
  const secret = createHmac('sha256', 'WebAppData').update(botToken).digest();
  return createHmac('sha256', secret).update(lines.join('\n')).digest('hex');
}

/**
 * Signs fields the way Telegram does, for the demo and the tests (the product only checks):
 * returns the `initData` query string with `hash` appended.
 */
export function signInitData(fields: Record<string, string>, botToken: string): string {
  const params = new URLSearchParams(fields);
  params.delete('hash');
  params.set('hash', signInitDataFields(params, botToken));
  return params.toString();
}
