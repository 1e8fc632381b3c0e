/**
 * Unexpected failures. They are thrown, carry structured fields, and are caught only at the edges
 * (bot error boundary, HTTP error handler, job runner, CLI).
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The environment is wrong; the message names every bad or missing variable. */
export class ConfigError extends AppError {
  constructor(readonly problems: readonly string[]) {
    super('config_invalid', `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export class NotFoundError extends AppError {
  constructor(
    readonly entity: string,
    readonly id: string | number,
  ) {
    super('not_found', `${entity} ${id} was not found`);
  }
}

/**
 * The service cannot start with this environment or infrastructure (database unreachable, port in
 * use, wrong key, unsafe database role). The message is one line naming the variable to look at;
 * entry points print it without a stack trace, which would only hide it.
 */
export class StartupError extends AppError {
  constructor(message: string, options?: ErrorOptions) {
    super('startup_refused', message, options);
  }
}
