import { z } from 'zod';

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/**
 * Offset pagination on every list that can grow: `?limit=` (default 50, at most 200) and
 * `?offset=`; answers `{ items, total, nextOffset }`, `nextOffset` null on the last page.
 */
export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  offset: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
});

export const paged = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    nextOffset: z.number().int().nullable(),
  });

export function toPage<T, V>(
  page: { items: readonly T[]; total: number },
  offset: number,
  view: (item: T) => V,
): { items: V[]; total: number; nextOffset: number | null } {
  const next = offset + page.items.length;
  return { items: page.items.map(view), total: page.total, nextOffset: next < page.total ? next : null };
}

/** `?active=true|false` filter. */
export const activeFilter = z.enum(['true', 'false']).transform((value) => value === 'true');

/** An id in a path (`/plans/:planId`): a positive integer. */
export const idParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Dates go out as ISO 8601 strings. */
export const timestamp = z.iso.datetime();
export const iso = (date: Date): string => date.toISOString();
export const isoOrNull = (date: Date | null): string | null => (date ? date.toISOString() : null);

export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
