import type { CallbackQueryContext, Context } from 'grammy';
import { z } from 'zod';
import type { BotComposer } from './composer.js';

/*
 * Typed callback data. One definition per kind of button says how its data looks on the wire
 * (`prefix:part:part...`), builds it from typed values, matches its presses (a grammY trigger) and
 * reads them back checked, so the button and its handler cannot drift apart:
 *
 *   const payButton = callbackData('pay', {
 *     method: oneOf(['card', 'zp']),
 *     amount: integer(),
 *     order: optionalId(asOrderId),
 *   });
 *   payButton.build({ method: 'card', amount: 50_000, order: null });   // 'pay:card:50000:0'
 *   onPress(feature, payButton.with({ method: 'card' }), (ctx, { amount, order }) => ...);
 *
 * A plain string in the layout is a fixed word (`{ planId: id(asPlanId), edit: 'e', field }` is
 * `adm:plan:5:e:price`). Data already sent keeps working as long as the layout keeps its shape.
 */

/** Telegram refuses a button whose callback data is longer than this, in bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;

/**
 * One `:`-separated part of callback data: what it looks like on the wire (`pattern`, regular
 * expression source that never matches `:` and has no capturing group), how its text is read and
 * checked (`schema`) and how a value is written (`write`).
 */
export interface Part<T> {
  readonly pattern: string;
  readonly schema: z.ZodType<T, string>;
  write(value: T): string;
}

/** 15 digits at most: any such number is exact as a JavaScript number. */
const DIGITS = '\\d{1,15}';
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const whole = (pattern: string) => new RegExp(`^(?:${pattern})$`);

/** A whole number, 0 included, of at most `digits` digits (15 at most). */
export const integer = (digits = 15): Part<number> => {
  const pattern = `\\d{1,${Math.min(digits, 15)}}`;
  return { pattern, schema: z.string().regex(whole(pattern)).transform(Number), write: String };
};

/** A row's id: a positive whole number, branded (`id(asPlanId)`). */
export const id = <T extends number>(brand: (value: number) => T): Part<T> => ({
  pattern: DIGITS,
  schema: z
    .string()
    .regex(whole(DIGITS))
    .transform(Number)
    .refine((value) => value > 0)
    .transform(brand),
  write: String,
});

/** An id or none, which travels as 0 (`pay:card:50000:0` is a top-up for no order). */
export const optionalId = <T extends number>(brand: (value: number) => T): Part<T | null> => ({
  pattern: DIGITS,
  schema: z
    .string()
    .regex(whole(DIGITS))
    .transform((text) => (Number(text) > 0 ? brand(Number(text)) : null)),
  write: (value) => String(value ?? 0),
});

/** One of a few words. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T): Part<T[number]> => {
  const pattern = values.map(escapeRegExp).join('|');
  return { pattern, schema: z.enum(values), write: (value) => value };
};

/** Text of the given shape, such as a setting's key (`token(/[a-z_]{1,40}/)`); never a `:`. */
export const token = (shape: RegExp): Part<string> => {
  if (shape.source.includes(':')) throw new Error(`a callback data part may not contain ':' (${shape})`);
  return { pattern: shape.source, schema: z.string().regex(whole(shape.source)), write: (value) => value };
};

/** The parts after the prefix, in order: a `Part` carries a value, a plain string is written as it is. */
export type Layout = Readonly<Record<string, Part<unknown> | string>>;

type ValueKey<L extends Layout> = { [K in keyof L]: L[K] extends string ? never : K }[keyof L];

/** The values a button of this layout carries, by name. */
export type ValuesOf<L extends Layout> = {
  readonly [K in ValueKey<L>]: L[K] extends Part<infer T> ? T : never;
};

export interface CallbackData<V> {
  /** Matches exactly the data `build` makes: use it as a grammY trigger. */
  readonly pattern: RegExp;
  /** The button's data; throws when a value does not fit its part or the data would pass 64 bytes. */
  build(...values: keyof V extends never ? [] : [V]): string;
  /** Whether `build` takes these values (a choice that would not fit is offered another way). */
  fits(values: V): boolean;
  /** The values of a press of this button, checked; undefined for anything else. */
  parse(data: string | undefined): V | undefined;
  /** The same button, matching only presses that carry these values (one payment method of several). */
  with(fixed: Partial<V>): CallbackData<V>;
}

type AnyPart = Part<unknown>;

/**
 * A kind of button: `prefix` (which may hold `:` itself, like `adm:plan`) and then the parts of
 * `layout` in order.
 */
export function callbackData<const L extends Layout = Record<never, never>>(
  prefix: string,
  layout?: L,
): CallbackData<ValuesOf<L>> {
  const entries: [string, AnyPart | string][] = Object.entries(layout ?? {});
  for (const [name, part] of entries) {
    if (typeof part === 'string' && (part.length === 0 || part.includes(':')))
      throw new Error(`callback data ${prefix}: the fixed part ${name} must be a non-empty word`);
  }
  type V = ValuesOf<L>;
  const valueNamed = (values: unknown, name: string) => (values as Record<string, unknown>)[name];

  const write = (values: unknown): string | undefined => {
    const texts = [prefix];
    for (const [name, part] of entries) {
      if (typeof part === 'string') {
        texts.push(part);
        continue;
      }
      const written = part.write(valueNamed(values, name));
      if (!whole(part.pattern).test(written) || !part.schema.safeParse(written).success) return undefined;
      texts.push(written);
    }
    const data = texts.join(':');
    return Buffer.byteLength(data, 'utf8') <= CALLBACK_DATA_MAX_BYTES ? data : undefined;
  };

  const define = (fixed: Partial<Record<string, unknown>>): CallbackData<V> => {
    const source = entries.map(([name, part]) => {
      if (typeof part === 'string') return `:${escapeRegExp(part)}`;
      if (name in fixed) return `:${escapeRegExp(part.write(fixed[name]))}`;
      return `:(?:${part.pattern})`;
    });
    const pattern = new RegExp(`^${escapeRegExp(prefix)}${source.join('')}$`);
    return {
      pattern,
      build(...args) {
        const values: unknown = args[0] ?? {};
        const data = write(values);
        if (data === undefined)
          throw new Error(`callback data ${prefix}: ${JSON.stringify(values)} does not fit`);
        return data;
      },
      fits: (values) => write(values) !== undefined,
      parse(data) {
        if (data === undefined || !pattern.test(data)) return undefined;
        const texts = data.slice(prefix.length + 1).split(':');
        const values: Record<string, unknown> = {};
        for (const [index, [name, part]] of entries.entries()) {
          if (typeof part === 'string') continue;
          const read = part.schema.safeParse(texts[index]);
          if (!read.success) return undefined;
          values[name] = read.data;
        }
        return values as V;
      },
      with: (more) => define({ ...fixed, ...more }),
    };
  };
  return define({});
}

/** Matches any button whose data starts with `prefix:`, such as every button of one menu. */
export function callbackPrefix(prefix: string): { readonly pattern: RegExp; has(data: string): boolean } {
  const pattern = new RegExp(`^${escapeRegExp(prefix)}:`);
  return { pattern, has: (data) => pattern.test(data) };
}

/**
 * Runs `handler` for presses of `button` with their values read; a press whose data matches the
 * pattern but not the values' rules (an id of 0) goes on to the next handler.
 */
export function onPress<C extends Context, V>(
  composer: BotComposer<C>,
  button: CallbackData<V>,
  handler: (ctx: CallbackQueryContext<C>, values: V) => unknown,
): void {
  composer.callbackQuery(button.pattern, async (ctx, next) => {
    const values = button.parse(ctx.callbackQuery.data);
    if (values === undefined) return next();
    await handler(ctx, values);
  });
}
