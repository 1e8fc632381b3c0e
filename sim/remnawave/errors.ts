import type { z } from 'zod';

/** Thrown by sim handlers; the server renders it in one of the panel's three error shapes. */
export class SimHttpError extends Error {
  readonly status: number;
  readonly errorCode: string | null;
  readonly validationErrors: readonly unknown[] | null;

  constructor(
    status: number,
    message: string,
    extra: { errorCode?: string; validationErrors?: readonly unknown[] } = {},
  ) {
    super(message);
    this.name = 'SimHttpError';
    this.status = status;
    this.errorCode = extra.errorCode ?? null;
    this.validationErrors = extra.validationErrors ?? null;
  }
}

/** Codes and messages as the 3.x backend defines them. */
export const SIM_ERRORS = {
  CREATE_USER_ERROR: { code: 'A018', status: 500, message: 'Failed to create user' },
  USERNAME_ALREADY_EXISTS: { code: 'A019', status: 400, message: 'User username already exists' },
  USER_NOT_FOUND: { code: 'A025', status: 404, message: 'User not found' },
  USER_ALREADY_DISABLED: { code: 'A029', status: 400, message: 'User already disabled' },
  USER_ALREADY_ENABLED: { code: 'A030', status: 400, message: 'User already enabled' },
  UPDATE_USER_ERROR: { code: 'A039', status: 500, message: 'Update user error' },
  USER_BY_PARAMS_NOT_FOUND: { code: 'A063', status: 404, message: 'User with specified params not found' },
  HWID_DEVICE_EXISTS: { code: 'A098', status: 400, message: 'User hwid device already exists' },
  HWID_DEVICE_LIMIT: { code: 'A099', status: 400, message: 'User hwid device limit reached' },
  HWID_DEVICE_NOT_FOUND: { code: 'A204', status: 404, message: 'HWID device not found' },
} as const;

export function domainError(def: { code: string; status: number; message: string }): SimHttpError {
  return new SimHttpError(def.status, def.message, { errorCode: def.code });
}

export function validationError(issues: readonly z.core.$ZodIssue[]): SimHttpError {
  return new SimHttpError(400, 'Validation failed', {
    validationErrors: issues.map((issue) => ({
      code: issue.code,
      message: issue.message,
      path: issue.path.map(String),
    })),
  });
}

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error.issues);
  return result.data;
}
