import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import type { InputProblem } from '../../shared/input-safety.js';
import { MoneyLimitError } from '../../shared/money.js';
import type { Invalid } from '../../shared/result.js';
import { drainRequestBody, statusOf } from '../drain.js';

/** Every error code the API answers with, and its HTTP status: the one place that maps them. */
export const API_ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** An expected refusal, thrown by a route or hook and turned into the JSON error body at the edge. */
export class ApiError extends AppError {
  override readonly code: ApiErrorCode;
  constructor(
    code: ApiErrorCode,
    message: string,
    readonly fields?: readonly FieldProblem[],
  ) {
    super(code, message);
    this.code = code;
  }

  get status(): number {
    return API_ERROR_STATUS[this.code];
  }
}

export const errorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(API_ERROR_STATUS) as [ApiErrorCode, ...ApiErrorCode[]]),
    message: z.string(),
    requestId: z.string(),
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBody>;

export const notFound = (what: string): ApiError => new ApiError('not_found', `${what} was not found`);

const invalidFields = (fields: FieldProblem[]): ApiError =>
  new ApiError(
    'invalid_request',
    fields.map((problem) => `${problem.field}: ${problem.message}`).join('; '),
    fields,
  );

/** A validation failure of zod, naming every bad field under `where` (params, query, body). */
export function invalidInput(where: string, error: z.ZodError): ApiError {
  return invalidFields(
    error.issues.map((issue) => ({
      field: [where, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
}

/** Text the database cannot store (see input-safety.ts), naming every place under `where`. */
export function unstorableInput(where: string, problems: readonly InputProblem[]): ApiError {
  return invalidFields(
    problems.map((problem) => ({
      field: [where, ...problem.path.map(String)].join('.'),
      message: problem.message,
    })),
  );
}

/** The `Invalid` / `Conflict` values services return, as API errors. */
export function fromServiceError(error: Invalid | { readonly code: 'conflict'; readonly message: string }) {
  if (error.code === 'conflict') return new ApiError('conflict', error.message);
  const field = error.field;
  return new ApiError(
    'invalid_request',
    error.message,
    field === undefined ? undefined : [{ field: `body.${field}`, message: error.message }],
  );
}

const codeOfStatus = (status: number): ApiErrorCode =>
  (Object.entries(API_ERROR_STATUS).find(([, value]) => value === status)?.[0] as ApiErrorCode | undefined) ??
  'invalid_request';

export function sendError(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
  const body: ErrorBody = {
    error: {
      code: error.code,
      message: error.message,
      requestId: request.id,
      ...(error.fields && error.fields.length > 0 ? { fields: [...error.fields] } : {}),
    },
  };
  return reply.code(error.status).type('application/json; charset=utf-8').send(body);
}

/**
 * One error shape for everything under the API prefix: our refusals, Fastify's own 4xx (bad JSON,
 * body too large, wrong content type), unknown routes, and unexpected failures, which are logged
 * with the request id and answered without a word about their cause.
 */
export function installErrorHandling(instance: FastifyInstance): void {
  instance.setErrorHandler(async (error: FastifyError | ApiError | Error, request, reply) => {
    if (error instanceof ApiError) return sendError(request, reply, error);
    // a confirmed payment that the customer's balance cannot take (approving a card payment): the
    // transaction rolled back and the payment is still pending, which the client can act on
    if (error instanceof MoneyLimitError)
      return sendError(request, reply, new ApiError('conflict', error.message));
    const status = statusOf(error);
    if (status >= 400 && status < 500) {
      // the client is still sending the body refused: without this it never sees the answer
      if (status === 413) await drainRequestBody(request.raw);
      // Fastify's client errors (unparseable JSON, body limits) describe the request, not our insides.
      return sendError(request, reply, new ApiError(codeOfStatus(status), error.message));
    }
    request.log.error({ err: error, requestId: request.id }, 'API request failed');
    return sendError(request, reply, new ApiError('internal_error', 'internal error'));
  });
  instance.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new ApiError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}
