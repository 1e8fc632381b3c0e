import { type Logger, type LoggerOptions, pino, stdSerializers } from 'pino';

export type { Logger };

export interface LoggerConfig {
  readonly level: string;
  readonly pretty?: boolean;
}

const REDACTED = '[redacted]';

/** A Telegram bot token (`<bot id>:<35 characters>`), wherever it appears in a line. */
const BOT_TOKEN = /(?<![\w-])\d{5,15}:[\w-]{35}(?![\w-])/g;

type ErrorLike = Error & Record<string, unknown>;

const isErrorLike = (value: unknown): value is ErrorLike =>
  typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';

/** A PostgreSQL error, from pg or PGlite: it has a SQLSTATE and a severity. */
const isDatabaseError = (error: ErrorLike) =>
  typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code) && typeof error.severity === 'string';

/**
 * PostgreSQL's own messages quote the refused value at the end (`invalid input syntax for type uuid:
 * "…"`) or after "value" (`value "…" is out of range`); identifiers it quotes mid-sentence stay.
 */
const redactMessageValues = (message: string) =>
  message
    .replace(/(: )".*"$/s, `$1"${REDACTED}"`)
    .replace(/^(value )".*"( is out of range)/s, `$1"${REDACTED}"$2`);

/**
 * `detail` names the values of the refused row or key: the column names stay, the values go, and a
 * detail of any other shape is dropped whole (the code and message say what failed).
 */
const redactDetail = (detail: string) => {
  const key =
    /^(Key \([^)]*\)=\().*(\) (?:already exists|is not present in table .*|is still referenced from table .*)\.)$/s;
  if (key.test(detail)) return detail.replace(key, `$1${REDACTED}$2`);
  const row = /^(Failing row contains \().*(\)\.)$/s;
  if (row.test(detail)) return detail.replace(row, `$1${REDACTED}$2`);
  return REDACTED;
};

/** Bot API parameters that identify what a call was about without saying anything of its content. */
const BOT_API_IDS = ['chat_id', 'message_id', 'callback_query_id', 'inline_message_id'];

/**
 * A copy of `error` and its causes without the values it was handed. Drizzle's DrizzleQueryError
 * carries the query's in `params` and in its message and stack ("params: …"), PGlite's errors in
 * `params`, PostgreSQL's own in `detail`, `where` and the message: a refused card insert or
 * merchant update would log the card number or the merchant id. grammY's GrammyError carries the
 * call's `payload`: a failed send of the card to pay holds the card number in its text. The SQL
 * text, the SQLSTATE, the message, the Bot API method and the chat stay, which is what one needs
 * to know what failed.
 */
export function redactErrorValues(error: ErrorLike, depth = 0): ErrorLike {
  const cause = error.cause;
  const redactedCause = depth < 8 && isErrorLike(cause) ? redactErrorValues(cause, depth + 1) : cause;
  const failedQuery = typeof error.query === 'string' && 'params' in error;
  const database = isDatabaseError(error);
  const payload = error.payload;
  const failedCall = typeof error.method === 'string' && typeof payload === 'object' && payload !== null;
  if (!failedQuery && !database && !failedCall && redactedCause === cause) return error;

  const copy = Object.create(Object.getPrototypeOf(error) as object) as ErrorLike;
  for (const key of Object.keys(error)) copy[key] = error[key];
  let message = error.message;
  let stack = typeof error.stack === 'string' ? error.stack : undefined;
  if (failedQuery) {
    copy.params = REDACTED;
    if ('queryOptions' in error) copy.queryOptions = REDACTED;
    // drizzle: "Failed query: <sql>\nparams: <values>", the stack starting with the same text
    const at = message.indexOf('\nparams: ');
    if (at >= 0) message = `${message.slice(0, at)}\nparams: ${REDACTED}`;
  }
  if (failedCall) {
    const kept: Record<string, unknown> = {};
    const omitted: string[] = [];
    for (const [key, value] of Object.entries(payload)) {
      if (BOT_API_IDS.includes(key)) kept[key] = value;
      else omitted.push(key);
    }
    copy.payload = omitted.length > 0 ? { ...kept, omitted } : kept;
  }
  if (database) {
    message = redactMessageValues(message);
    if (typeof error.detail === 'string') copy.detail = redactDetail(error.detail);
    if (typeof error.where === 'string' && !/^(PL\/pgSQL|SQL function|SQL statement)/.test(error.where)) {
      copy.where = REDACTED;
    }
  }
  if (stack !== undefined && message !== error.message) {
    const frames = stack.indexOf('\n    at ');
    stack = `${error.name}: ${message}${frames >= 0 ? stack.slice(frames) : ''}`;
  }
  Object.defineProperty(copy, 'message', { value: message, enumerable: false, writable: true });
  Object.defineProperty(copy, 'stack', { value: stack, enumerable: false, writable: true });
  Object.defineProperty(copy, 'cause', { value: redactedCause, enumerable: false, writable: true });
  return copy;
}

/** What PostgreSQL said about a failure, from the first database error in the chain. */
function databaseFacts(error: ErrorLike): Record<string, unknown> | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && isErrorLike(current); depth++, current = current.cause) {
    if (!isDatabaseError(current)) continue;
    const facts: Record<string, unknown> = {};
    for (const key of ['code', 'severity', 'message', 'detail', 'constraint', 'table', 'column', 'routine']) {
      if (current[key] !== undefined) facts[key] = current[key];
    }
    return facts;
  }
  return undefined;
}

/**
 * pino's error serializer, on an error whose query values were taken out first. The SQLSTATE of a
 * wrapped database error is surfaced too: pino keeps only the message of a cause.
 */
function serializeError(value: unknown): unknown {
  if (!isErrorLike(value)) return value;
  const redacted = redactErrorValues(value);
  const serialized = stdSerializers.err(redacted) as unknown as Record<string, unknown>;
  if (!isDatabaseError(redacted)) {
    const database = databaseFacts(redacted);
    if (database) serialized.database = database;
  }
  return serialized;
}

/** The one place that builds the root logger; everything else receives it (or a child) as a dependency. */
export function createLogger(config: LoggerConfig, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level: config.level,
    base: { service: 'remnafleet' },
    // Tokens must never reach a log line, whatever object a caller hands to the logger.
    redact: {
      paths: [
        'token',
        '*.token',
        'apiToken',
        '*.apiToken',
        'headers.authorization',
        'headers["x-api-token"]',
      ],
      censor: REDACTED,
    },
    serializers: { err: serializeError, error: serializeError },
    hooks: {
      // logger.error(error) would take its line's message from the raw error: the redacted one's
      // is used, and the error goes to the serializer like { err } does
      logMethod(args, method) {
        const [first, ...rest] = args as unknown[];
        if (!isErrorLike(first)) return method.apply(this, args);
        const message = rest.length > 0 ? rest : [redactErrorValues(first).message];
        return method.apply(this, [{ err: first }, ...message] as unknown as Parameters<typeof method>);
      },
      // the last net: a bot token that got into a message or an error's text is masked on its way out
      streamWrite: (line) => line.replace(BOT_TOKEN, REDACTED),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything: for tests and tools that have no use for logs. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
