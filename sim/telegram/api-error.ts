// Errors a Bot API method can return. Descriptions are copied from the real Bot API so that code
// matching on `description` (e.g. "message is not modified") behaves the same against the simulator.

export interface ApiErrorBody {
  ok: false;
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export class ApiError extends Error {
  readonly code: number;
  readonly description: string;
  readonly parameters: ApiErrorBody['parameters'];

  constructor(code: number, description: string, parameters?: ApiErrorBody['parameters']) {
    super(`${code}: ${description}`);
    this.name = 'ApiError';
    this.code = code;
    this.description = description;
    this.parameters = parameters;
  }

  toBody(): ApiErrorBody {
    const body: ApiErrorBody = { ok: false, error_code: this.code, description: this.description };
    if (this.parameters !== undefined) body.parameters = this.parameters;
    return body;
  }
}

export const badRequest = (reason: string): ApiError => new ApiError(400, `Bad Request: ${reason}`);
export const forbidden = (reason: string): ApiError => new ApiError(403, `Forbidden: ${reason}`);
export const unauthorized = (): ApiError => new ApiError(401, 'Unauthorized');
export const notFound = (): ApiError => new ApiError(404, 'Not Found');
export const conflict = (reason: string): ApiError => new ApiError(409, `Conflict: ${reason}`);
export const tooManyRequests = (retryAfter: number): ApiError =>
  new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });

export const requiredParam = (name: string): ApiError => badRequest(`parameter "${name}" is required`);
export const chatNotFound = (): ApiError => badRequest('chat not found');
export const botBlocked = (): ApiError => forbidden('bot was blocked by the user');
export const queryTooOld = (): ApiError =>
  badRequest('query is too old and response timeout expired or query ID is invalid');
export const notModified = (): ApiError =>
  badRequest(
    'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
  );

export const WEBHOOK_ACTIVE_CONFLICT =
  "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
export const TERMINATED_BY_OTHER_POLL =
  'terminated by other getUpdates request; make sure that only one bot instance is running';
