import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import type { Tenant } from '../../modules/tenants/tenant-registry.js';
import type { BotId } from '../../shared/ids.js';
import { ApiError, notFound } from './errors.js';

/** Who is calling: the operator (every tenant) or one tenant (only its own bot). */
export type Principal = { readonly role: 'operator' } | { readonly role: 'tenant'; readonly tenant: Tenant };

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Tokens we issue are ~46 characters; anything far longer is not worth a database lookup. */
const MAX_TOKEN_LENGTH = 256;

/** `X-API-Token: <token>` or `Authorization: Bearer <token>`; the first wins when both are sent. */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-token'];
  if (typeof header === 'string' && header.trim() !== '') return header.trim();
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

export interface Authenticator {
  /** Resolves the caller of a request once; remembers it for the rest of the request. */
  resolve(request: FastifyRequest): Promise<void>;
  /** The caller, or a 401. */
  principal(request: FastifyRequest): Principal;
  /** Rate-limit bucket: the hash of a valid token, else the client address (so guessing tokens is limited too). */
  rateKey(request: FastifyRequest): string;
}

interface Resolution {
  readonly principal: Principal | undefined;
  readonly rateKey: string;
}

export function createAuthenticator(app: App, operatorToken: string | undefined): Authenticator {
  const operatorHash = operatorToken === undefined ? undefined : sha256(operatorToken);
  const resolutions = new WeakMap<FastifyRequest, Resolution>();

  const isOperator = (token: string) =>
    // both sides are 32-byte digests: equal length, compared in constant time
    operatorHash !== undefined && timingSafeEqual(sha256(token), operatorHash);

  const identify = async (token: string | undefined): Promise<Principal | undefined> => {
    if (token === undefined || token.length > MAX_TOKEN_LENGTH) return undefined;
    if (isOperator(token)) return { role: 'operator' };
    const tenant = await app.platform.tenants.getByApiToken(token);
    return tenant ? { role: 'tenant', tenant } : undefined;
  };

  return {
    async resolve(request) {
      const token = presentedToken(request);
      const principal = await identify(token);
      resolutions.set(request, {
        principal,
        rateKey:
          principal && token !== undefined ? `token:${sha256(token).toString('hex')}` : `ip:${request.ip}`,
      });
    },
    principal(request) {
      const principal = resolutions.get(request)?.principal;
      if (!principal) {
        throw new ApiError(
          'unauthorized',
          'a valid API token is required: X-API-Token: <token> or Authorization: Bearer <token>',
        );
      }
      return principal;
    },
    rateKey: (request) => resolutions.get(request)?.rateKey ?? `ip:${request.ip}`,
  };
}

export function requireOperator(principal: Principal): void {
  if (principal.role !== 'operator') {
    throw new ApiError('forbidden', 'this operation is reserved to the operator token');
  }
}

/**
 * The bot a request is about. A tenant token sees only its own bot: any other id answers exactly
 * like an id that does not exist, so a tenant cannot even learn which ids are taken.
 */
export async function resolveBot(app: App, principal: Principal, id: BotId): Promise<Tenant> {
  if (principal.role === 'tenant') {
    if (principal.tenant.id !== id) throw notFound(`bot ${id}`);
    return principal.tenant;
  }
  const tenant = await app.platform.tenants.get(id);
  if (!tenant) throw notFound(`bot ${id}`);
  return tenant;
}
