/*
 * Text PostgreSQL cannot take. A NUL is refused by `text` and `jsonb` alike; an unpaired UTF-16
 * surrogate has no UTF-8 form, so `jsonb` refuses its `\uD800` escape and `text` would get a
 * replacement character instead of what was sent. Either way the request would fail deep in a
 * query (a 500) or store something else than it said: it is refused, or scrubbed, at the edge.
 */

const NUL = '\u0000';
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Deeper than any request of ours nests; JSON.parse takes far deeper input, which then overflows
 * the stack of whatever serialises it again (a 500).
 */
export const MAX_INPUT_DEPTH = 32;

/** A refusal names at most this many places: a body full of bad strings gets a short answer. */
const MAX_PROBLEMS = 20;

/** Why PostgreSQL would refuse `text`, or undefined when it stores as sent. */
export function unstorableText(text: string): string | undefined {
  if (text.includes(NUL)) return 'must not contain NUL characters';
  if (UNPAIRED_SURROGATE.test(text)) return 'must be valid Unicode (it has an unpaired surrogate)';
  return undefined;
}

/** `text` with every NUL and unpaired surrogate replaced by U+FFFD, safe to store and to echo. */
export const scrubText = (text: string): string => text.replace(UNSTORABLE, '\uFFFD');

export interface InputProblem {
  /** Keys and indexes from the root; keys scrubbed, so naming them echoes nothing hostile. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

const tooDeep = (maxDepth: number) => `is nested more than ${maxDepth} levels deep`;

/**
 * Every string (object keys included) of parsed input that PostgreSQL would refuse, and nesting
 * beyond `maxDepth`. Walked with an explicit stack, so hostile nesting cannot overflow ours.
 */
export function findUnstorableInput(value: unknown, maxDepth = MAX_INPUT_DEPTH): InputProblem[] {
  const problems: InputProblem[] = [];
  // an entry with a message is a problem already found (a key), kept in its place in the order
  const stack: { value: unknown; path: (string | number)[]; message?: string }[] = [{ value, path: [] }];
  for (let item = stack.pop(); item && problems.length < MAX_PROBLEMS; item = stack.pop()) {
    const { value: current, path } = item;
    if (item.message) {
      problems.push({ path, message: item.message });
      continue;
    }
    if (typeof current === 'string') {
      const message = unstorableText(current);
      if (message) problems.push({ path, message });
      continue;
    }
    const entries: [string | number, unknown][] | undefined = Array.isArray(current)
      ? current.map((child, index) => [index, child])
      : isPlainObject(current)
        ? Object.entries(current)
        : undefined;
    if (!entries || entries.length === 0) continue;
    if (path.length >= maxDepth) {
      problems.push({ path, message: tooDeep(maxDepth) });
      continue;
    }
    // pushed in reverse so the problems come out in document order
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, child] = entries[index]!;
      const keyProblem = typeof key === 'string' ? unstorableText(key) : undefined;
      if (keyProblem === undefined) {
        stack.push({ value: child, path: [...path, key] });
      } else {
        stack.push({
          value: child,
          path: [...path, scrubText(String(key))],
          message: `its name ${keyProblem}`,
        });
      }
    }
  }
  return problems;
}

/** What `scrubUnstorableInput` did: nothing to scrub, scrubbed, or refused for its nesting. */
export type ScrubOutcome = 'unchanged' | 'scrubbed' | 'too deep';

/**
 * Scrubs, in place, every string of parsed JSON (keys included) that PostgreSQL would refuse: for
 * input we must take rather than refuse (Telegram delivers an update until it is accepted).
 * `too deep`, and nothing to rely on, when the input nests beyond `maxDepth`, which nothing
 * legitimate does; `unchanged` when every string stores as it is (most input).
 */
export function scrubUnstorableInput(value: unknown, maxDepth = MAX_INPUT_DEPTH): ScrubOutcome {
  const outcome = scrubIn(value, 0, maxDepth);
  return outcome === TOO_DEEP ? 'too deep' : outcome === SCRUBBED ? 'scrubbed' : 'unchanged';
}

const UNCHANGED = 0;
const SCRUBBED = 1;
const TOO_DEEP = 2;

/**
 * `scrubUnstorableInput` below `depth`: recursive, which `maxDepth` bounds (a level deeper with
 * anything in it is refused before it is entered), and allocating only for what it replaces.
 */
function scrubIn(value: unknown, depth: number, maxDepth: number): number {
  let outcome = UNCHANGED;
  if (Array.isArray(value)) {
    if (value.length > 0 && depth >= maxDepth) return TOO_DEEP;
    for (let index = 0; index < value.length; index++) {
      const child: unknown = value[index];
      if (typeof child === 'string') {
        const clean = scrubText(child);
        if (clean !== child) {
          value[index] = clean;
          outcome = SCRUBBED;
        }
      } else if (typeof child === 'object' && child !== null) {
        const inner = scrubIn(child, depth + 1, maxDepth);
        if (inner === TOO_DEEP) return TOO_DEEP;
        outcome |= inner;
      }
    }
  } else if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length > 0 && depth >= maxDepth) return TOO_DEEP;
    for (const key of keys) {
      const child = value[key];
      let clean = child;
      if (typeof child === 'string') clean = scrubText(child);
      else if (typeof child === 'object' && child !== null) {
        const inner = scrubIn(child, depth + 1, maxDepth);
        if (inner === TOO_DEEP) return TOO_DEEP;
        outcome |= inner;
      }
      const cleanKey = scrubText(key);
      if (cleanKey !== key) {
        delete value[key];
        value[cleanKey] = clean;
        outcome = SCRUBBED;
      } else if (clean !== child) {
        value[key] = clean;
        outcome = SCRUBBED;
      }
    }
  }
  return outcome;
}
