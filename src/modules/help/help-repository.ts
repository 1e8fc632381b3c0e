import { and, eq, sql } from 'drizzle-orm';
import { helpPages, helpPageTexts } from '../../db/schema.js';
import type { TenantTx } from '../../db/tenant-tx.js';
import type { Language } from '../../shared/language.js';
import type { HelpText } from './help-text.js';

export type HelpPageRow = typeof helpPages.$inferSelect;
export type HelpTextRow = typeof helpPageTexts.$inferSelect;

/** A stored page with its own texts. */
export interface StoredHelpPage {
  readonly row: HelpPageRow;
  readonly texts: Partial<Record<Language, HelpText>>;
}

/**
 * One shop's help pages are written one change at a time: a change reads the whole list (a move
 * renumbers it, a new page counts it) and may create the row of a default page, so two admins
 * changing pages at once wait for each other rather than both adding a row or a page past the limit.
 */
export const lockHelpPages = (tx: TenantTx) =>
  tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${tx.botId}:help_pages`}, 0))`);

/** Every stored page of the shop with its texts. */
export async function findStoredPages(tx: TenantTx): Promise<StoredHelpPage[]> {
  const rows = await tx.select().from(helpPages).where(eq(helpPages.botId, tx.botId));
  const texts = await tx.select().from(helpPageTexts).where(eq(helpPageTexts.botId, tx.botId));
  return rows.map((row) => ({
    row,
    texts: Object.fromEntries(
      texts
        .filter((text) => text.pageId === row.id)
        .map((text) => [text.language, { title: text.title, body: text.body }]),
    ),
  }));
}

export async function insertPage(
  tx: TenantTx,
  values: Omit<typeof helpPages.$inferInsert, 'botId' | 'id'>,
): Promise<HelpPageRow> {
  const [row] = await tx
    .insert(helpPages)
    .values({ ...values, botId: tx.botId })
    .returning();
  return row!;
}

export async function updatePage(
  tx: TenantTx,
  id: number,
  values: Partial<Pick<HelpPageRow, 'isHidden' | 'sortOrder'>>,
): Promise<void> {
  await tx
    .update(helpPages)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(helpPages.botId, tx.botId), eq(helpPages.id, id)));
}

export async function deletePage(tx: TenantTx, id: number): Promise<void> {
  // its texts go with it (ON DELETE CASCADE)
  await tx.delete(helpPages).where(and(eq(helpPages.botId, tx.botId), eq(helpPages.id, id)));
}

export async function upsertText(tx: TenantTx, pageId: number, language: Language, text: HelpText) {
  const now = new Date();
  await tx
    .insert(helpPageTexts)
    .values({ botId: tx.botId, pageId, language, ...text, updatedAt: now })
    .onConflictDoUpdate({
      target: [helpPageTexts.botId, helpPageTexts.pageId, helpPageTexts.language],
      set: { ...text, updatedAt: now },
    });
  await updatePage(tx, pageId, {});
}

export async function deleteText(tx: TenantTx, pageId: number, language: Language): Promise<void> {
  await tx
    .delete(helpPageTexts)
    .where(
      and(
        eq(helpPageTexts.botId, tx.botId),
        eq(helpPageTexts.pageId, pageId),
        eq(helpPageTexts.language, language),
      ),
    );
  await updatePage(tx, pageId, {});
}
