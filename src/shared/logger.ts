import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

export interface LoggerConfig {
  readonly level: string;
  readonly pretty?: boolean;
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
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything: for tests and tools that have no use for logs. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
