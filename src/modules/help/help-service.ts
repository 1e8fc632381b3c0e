import { z } from 'zod';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import type { Language } from '../../shared/language.js';
import { err, type Invalid, invalid, ok, type Result } from '../../shared/result.js';
import { parseInput } from '../../shared/validation.js';
import {
  DEFAULT_HELP_PAGES,
  defaultSortOrder,
  findDefaultPage,
  HELP_PAGE_KINDS,
  type HelpPageKind,
} from './default-pages.js';
import {
  deletePage,
  deleteText,
  findStoredPages,
  type HelpPageRow,
  insertPage,
  lockHelpPages,
  type StoredHelpPage,
  updatePage,
  upsertText,
} from './help-repository.js';
import { type HelpText, helpTextSchema, languagePreference } from './help-text.js';

export const HELP_LANGUAGES = ['fa', 'en', 'ru'] as const satisfies readonly Language[];

/** A shop writes at most this many pages of its own (a list of buttons must stay readable). */
export const HELP_OWN_PAGES_MAX = 30;

/** A page's key: a default page's name (`guide-hiddify`), or `own-<id>` for a page the shop wrote. */
export const HELP_PAGE_KEY = /^[a-z0-9-]{1,32}$/;
const ownKey = (id: number) => `own-${id}`;

/** A help page as the shop has it now: a default page (changed or not) or one of its own. */
export interface HelpPage {
  readonly key: string;
  readonly kind: HelpPageKind;
  /** One of the default pages (its texts fall back to the built-in ones), not the shop's own. */
  readonly isDefault: boolean;
  readonly isHidden: boolean;
  readonly sortOrder: number;
  /** The shop's own texts, by language; a default page shows its built-in text in the others. */
  readonly texts: Partial<Record<Language, HelpText>>;
  /** A default page the shop changed (text, place or visibility): resetting brings it back. */
  readonly isChanged: boolean;
  readonly updatedAt: Date | null;
}

interface Entry extends HelpPage {
  readonly rowId: number | undefined;
  readonly order: readonly [number, number, number];
}

const sortOrder = z.number().int().min(-1_000_000).max(1_000_000);

export const helpPageInput = z.object({
  kind: z.enum(HELP_PAGE_KINDS).default('faq'),
  texts: z
    .object({ fa: helpTextSchema.optional(), en: helpTextSchema.optional(), ru: helpTextSchema.optional() })
    .strict()
    .refine((texts) => Object.values(texts).some(Boolean), 'needs a text in at least one language'),
  isHidden: z.boolean().default(false),
  sortOrder: sortOrder.optional(),
});
export type HelpPageInput = z.input<typeof helpPageInput>;

/** A text set to null goes back to the default (a default page) or is removed (the shop's own). */
export const helpPagePatch = z
  .object({
    texts: z
      .object({
        fa: helpTextSchema.nullable().optional(),
        en: helpTextSchema.nullable().optional(),
        ru: helpTextSchema.nullable().optional(),
      })
      .strict(),
    isHidden: z.boolean(),
    sortOrder,
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type HelpPagePatch = z.input<typeof helpPagePatch>;

/** The shop already has as many pages of its own as it may. */
export type HelpPagesFull = { readonly code: 'conflict'; readonly message: string };

export type HelpPageRemoval =
  | { readonly status: 'reset'; readonly page: HelpPage }
  | { readonly status: 'deleted' };

/** The text a reader sees, when the page has none of its own in their language. */
export type DefaultTexts = (key: string, language: Language) => HelpText;

/**
 * The text of a page for a reader: the shop's own in their language; else, for a default page, the
 * built-in one in their language; else (the shop's own page) its text in the shop's language or
 * any other it has.
 */
export function pageText(
  page: Pick<HelpPage, 'key' | 'isDefault' | 'texts'>,
  reader: Language,
  shopLanguage: Language,
  defaults: DefaultTexts,
): HelpText {
  const own = page.texts[reader];
  if (own) return own;
  if (page.isDefault) return defaults(page.key, reader);
  for (const language of languagePreference(reader, shopLanguage)) {
    const text = page.texts[language];
    if (text) return text;
  }
  // a page of the shop's own always keeps one text (the service refuses removing the last)
  return { title: page.key, body: page.key };
}

const hasTexts = (texts: Partial<Record<Language, HelpText>>) => Object.keys(texts).length > 0;

function defaultEntry(index: number, stored: StoredHelpPage | undefined): Entry {
  const page = DEFAULT_HELP_PAGES[index]!;
  const row = stored?.row;
  const texts = stored?.texts ?? {};
  const order = row?.sortOrder ?? defaultSortOrder(index);
  const isHidden = row?.isHidden ?? false;
  return {
    key: page.key,
    kind: page.kind,
    isDefault: true,
    isHidden,
    sortOrder: order,
    texts,
    isChanged: isHidden || order !== defaultSortOrder(index) || hasTexts(texts),
    updatedAt: row?.updatedAt ?? null,
    rowId: row?.id,
    order: [order, index, 0],
  };
}

function ownEntry({ row, texts }: StoredHelpPage): Entry {
  return {
    key: ownKey(row.id),
    kind: row.kind,
    isDefault: false,
    isHidden: row.isHidden,
    sortOrder: row.sortOrder,
    texts,
    isChanged: true,
    updatedAt: row.updatedAt,
    rowId: row.id,
    order: [row.sortOrder, DEFAULT_HELP_PAGES.length, row.id],
  };
}

const byOrder = (a: Entry, b: Entry) =>
  a.order[0] - b.order[0] || a.order[1] - b.order[1] || a.order[2] - b.order[2];

/** The shop's pages in the customers' order: every default page (stored or not) and its own. */
function mergePages(stored: readonly StoredHelpPage[]): Entry[] {
  const byDefaultKey = new Map<string, StoredHelpPage>();
  const own: Entry[] = [];
  for (const page of stored) {
    const key = page.row.defaultKey;
    // a row naming a default page this version no longer has is ignored
    if (key === null) own.push(ownEntry(page));
    else if (findDefaultPage(key)) byDefaultKey.set(key, page);
  }
  const defaults = DEFAULT_HELP_PAGES.map((page, index) => defaultEntry(index, byDefaultKey.get(page.key)));
  return [...defaults, ...own].sort(byOrder);
}

const publicPage = ({ rowId: _rowId, order: _order, ...page }: Entry): HelpPage => page;

/** Whether a key could name a page (a default page's name or `own-<id>`); says nothing of which shop. */
export const isHelpPageKey = (key: string) => HELP_PAGE_KEY.test(key);

/**
 * A shop's help pages: the connection guides and questions customers read from the main menu. The
 * default pages cost no row until the shop changes one; its own pages are rows from the start.
 */
export function createHelpService({ tenant }: { tenant: TenantDb }) {
  const findIn = async (tx: TenantTx) => mergePages(await findStoredPages(tx));
  const entryOf = (pages: readonly Entry[], key: string) => pages.find((page) => page.key === key);

  /** The page's row, made for a default page that has none yet. */
  const rowOf = async (tx: TenantTx, page: Entry): Promise<number> => {
    if (page.rowId !== undefined) return page.rowId;
    const row: HelpPageRow = await insertPage(tx, {
      defaultKey: page.key,
      kind: page.kind,
      isHidden: page.isHidden,
      sortOrder: page.sortOrder,
    });
    return row.id;
  };

  /** One change, under the shop's help lock; the page (by key) as it is afterwards. */
  const change = (
    key: string,
    work: (tx: TenantTx, page: Entry, pages: Entry[]) => Promise<Result<unknown, Invalid>>,
  ): Promise<Result<HelpPage | undefined, Invalid>> => {
    if (!isHelpPageKey(key)) return Promise.resolve(ok(undefined));
    return tenant.transaction(async (tx) => {
      await lockHelpPages(tx);
      const pages = await findIn(tx);
      const page = entryOf(pages, key);
      if (!page) return ok(undefined);
      const done = await work(tx, page, pages);
      if (!done.ok) return done;
      const after = entryOf(await findIn(tx), key);
      return ok(after && publicPage(after));
    });
  };

  /** Whether the page keeps a text of its own after `texts` is applied (a default page needs none). */
  const keepsText = (page: Entry, texts: Partial<Record<Language, HelpText | null>>) =>
    page.isDefault ||
    HELP_LANGUAGES.some((language) =>
      texts[language] === undefined ? page.texts[language] !== undefined : texts[language] !== null,
    );

  const applyTexts = async (tx: TenantTx, page: Entry, texts: Partial<Record<Language, HelpText | null>>) => {
    const pageId = await rowOf(tx, page);
    for (const language of HELP_LANGUAGES) {
      const text = texts[language];
      if (text === undefined) continue;
      if (text === null) await deleteText(tx, pageId, language);
      else await upsertText(tx, pageId, language, text);
    }
    return pageId;
  };

  return {
    /** Every page, hidden ones included, in the customers' order. */
    findPages: (): Promise<HelpPage[]> =>
      tenant.transaction(async (tx) => (await findIn(tx)).map(publicPage)),

    /** The pages customers see (not hidden), of one kind or all, in their order. */
    async findShown(kind?: HelpPageKind): Promise<HelpPage[]> {
      const pages = await tenant.transaction(findIn);
      return pages
        .filter((page) => !page.isHidden && (kind === undefined || page.kind === kind))
        .map(publicPage);
    },

    async getPage(key: string): Promise<HelpPage | undefined> {
      if (!isHelpPageKey(key)) return undefined;
      const page = entryOf(await tenant.transaction(findIn), key);
      return page && publicPage(page);
    },

    /** The shop's own text of a page in one language (checked: plain text, within the limits). */
    async setText(
      key: string,
      language: Language,
      input: unknown,
    ): Promise<Result<HelpPage | undefined, Invalid>> {
      const parsed = parseInput(helpTextSchema, input);
      if (!parsed.ok) return parsed;
      return change(key, async (tx, page) => ok(await applyTexts(tx, page, { [language]: parsed.value })));
    },

    /**
     * Forgets the shop's text in one language: a default page shows its built-in text again; the
     * shop's own page shows its text in another language, and keeps at least one.
     */
    removeText: (key: string, language: Language) =>
      change(key, async (tx, page) => {
        if (page.texts[language] === undefined) return ok(undefined);
        if (!keepsText(page, { [language]: null }))
          return invalid('a page of the shop’s own keeps a text in at least one language', 'texts');
        return ok(await applyTexts(tx, page, { [language]: null }));
      }),

    /** Hides a page from customers, or shows it again. */
    setHidden: (key: string, isHidden: boolean) =>
      change(key, async (tx, page) => {
        if (page.isHidden !== isHidden) await updatePage(tx, await rowOf(tx, page), { isHidden });
        return ok(undefined);
      }),

    /**
     * Moves a page one place up or down in the list customers see. The list is renumbered 10, 20,
     * ...; a default page whose new number is its default one needs no row.
     */
    move: (key: string, direction: 'up' | 'down') =>
      change(key, async (tx, page, pages) => {
        const index = pages.indexOf(page);
        const target = direction === 'up' ? index - 1 : index + 1;
        const other = pages[target];
        if (!other) return ok(undefined);
        const ordered = [...pages];
        ordered[index] = other;
        ordered[target] = page;
        for (const [position, entry] of ordered.entries()) {
          const wanted = defaultSortOrder(position);
          // a default page without a row is at its default number: it gets a row only if that changes
          if (entry.sortOrder === wanted) continue;
          await updatePage(tx, await rowOf(tx, entry), { sortOrder: wanted });
        }
        return ok(undefined);
      }),

    /** Changes texts (null: back to the default), visibility or place at once. */
    async update(key: string, input: HelpPagePatch): Promise<Result<HelpPage | undefined, Invalid>> {
      const parsed = parseInput(helpPagePatch, input);
      if (!parsed.ok) return parsed;
      const patch = parsed.value;
      return change(key, async (tx, page) => {
        const texts = (patch.texts ?? {}) as Partial<Record<Language, HelpText | null>>;
        if (!keepsText(page, texts))
          return invalid('a page of the shop’s own keeps a text in at least one language', 'texts');
        const pageId = await applyTexts(tx, page, texts);
        const values = {
          ...(patch.isHidden === undefined ? {} : { isHidden: patch.isHidden }),
          ...(patch.sortOrder === undefined ? {} : { sortOrder: patch.sortOrder }),
        };
        if (Object.keys(values).length > 0) await updatePage(tx, pageId, values);
        return ok(undefined);
      });
    },

    /** A page of the shop's own (a question by default), after the others unless placed. */
    async create(input: HelpPageInput): Promise<Result<HelpPage, Invalid | HelpPagesFull>> {
      const parsed = parseInput(helpPageInput, input);
      if (!parsed.ok) return parsed;
      const { kind, texts, isHidden } = parsed.value;
      return tenant.transaction(async (tx): Promise<Result<HelpPage, HelpPagesFull>> => {
        await lockHelpPages(tx);
        const pages = await findIn(tx);
        if (pages.filter((page) => !page.isDefault).length >= HELP_OWN_PAGES_MAX)
          return err({
            code: 'conflict',
            message: `a shop has at most ${HELP_OWN_PAGES_MAX} pages of its own`,
          });
        const last = Math.max(0, ...pages.map((page) => page.sortOrder));
        const row = await insertPage(tx, {
          defaultKey: null,
          kind,
          isHidden,
          sortOrder: parsed.value.sortOrder ?? last + 10,
        });
        for (const language of HELP_LANGUAGES) {
          const text = texts[language];
          if (text) await upsertText(tx, row.id, language, text);
        }
        const created = entryOf(await findIn(tx), ownKey(row.id));
        return ok(publicPage(created!));
      });
    },

    /**
     * A default page back as built in (its texts, place and visibility); a page of the shop's own
     * deleted. Undefined when the key names no page of this shop.
     */
    async reset(key: string): Promise<HelpPageRemoval | undefined> {
      if (!isHelpPageKey(key)) return undefined;
      return tenant.transaction(async (tx): Promise<HelpPageRemoval | undefined> => {
        await lockHelpPages(tx);
        const page = entryOf(await findIn(tx), key);
        if (!page) return undefined;
        if (page.rowId !== undefined) await deletePage(tx, page.rowId);
        if (!page.isDefault) return { status: 'deleted' };
        return { status: 'reset', page: publicPage(entryOf(await findIn(tx), key)!) };
      });
    },
  };
}

export type HelpService = ReturnType<typeof createHelpService>;
export type { HelpPageKind };
