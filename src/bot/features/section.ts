import type { FeatureFlagsByKey } from '../../modules/feature-flags/feature-flags-service.js';
import type { SettingValues } from '../../modules/settings/registry.js';
import type { BotComposer } from '../composer.js';
import type { Awaiting, AwaitingKind, AwaitingOf, BotContext } from '../context.js';
import type { Translate } from '../i18n.js';

/*
 * Sections as data: a menu (the tenant admin menu, the operators' panel, the customers' main menu)
 * is a list of sections, each a file that exports one. Adding a section is that file and one line
 * in its menu's list; the menu draws the buttons, mounts the composers behind its own gate, and
 * hands typed answers to the section whose question they answer.
 */

/** The button that opens a section from its menu's home screen. */
export interface SectionButton {
  readonly text: string;
  readonly data: string;
}

/** What a section does with the text typed in answer to one of its questions. */
export type Answer<K extends AwaitingKind> = (
  ctx: BotContext,
  awaiting: AwaitingOf<K>,
  text: string,
) => Promise<unknown>;

/** A section's answers, by the kind of question (`ctx.session.awaiting.kind`) they answer. */
export type Answers = { readonly [K in AwaitingKind]?: Answer<K> };

export interface Section {
  /**
   * Whether the menu shows its button (default: always): a section of a feature switched off has
   * none; its composer still refuses a stale button politely.
   */
  readonly isShown?: (ctx: BotContext) => boolean | Promise<boolean>;
  /** Its button on the menu's home screen, in the reader's language. */
  readonly button: (ctx: BotContext) => SectionButton | Promise<SectionButton>;
  /** Its buttons' handlers; the menu mounts it behind its gate, for button presses only. */
  readonly composer: BotComposer<BotContext>;
  /** The answers to the questions it asks. */
  readonly onText?: Answers;
}

/** A menu's sections in rows, as its home screen shows their buttons. */
export type SectionRows = readonly (readonly Section[])[];

/** Every section's answers in one table; two sections answering the same question is a mistake. */
export function answersOf(rows: SectionRows): Answers {
  const answers: Partial<Record<AwaitingKind, unknown>> = {};
  for (const section of rows.flat()) {
    for (const [kind, answer] of Object.entries(section.onText ?? {})) {
      if (kind in answers) throw new Error(`two sections answer "${kind}"`);
      answers[kind as AwaitingKind] = answer;
    }
  }
  return answers as Answers;
}

/** The answer to the question the chat was asked, if one of the sections asked it. */
export function answerTo(
  answers: Answers,
  awaiting: Awaiting,
): ((ctx: BotContext, text: string) => Promise<unknown>) | undefined {
  // the table is keyed by kind, so the handler found takes this very kind of question
  const answer = answers[awaiting.kind] as Answer<AwaitingKind> | undefined;
  return answer && ((ctx, text) => answer(ctx, awaiting, text));
}

/** The tenant's switches, which decide what the customers' main menu shows. */
export interface MenuSwitches {
  readonly flags: FeatureFlagsByKey;
  readonly settings: SettingValues;
  /** The shop's own Mini App (`PUBLIC_BASE_URL/app/<bot id>`); undefined without a public address. */
  readonly miniAppUrl?: string | undefined;
}

/** A button of the main menu: one its section's composer answers, or a web app to open. */
export type MenuButton = SectionButton | { readonly text: string; readonly webApp: string };

/** An entry of the customers' main menu (`src/bot/features/main-menu.ts` lists them). */
export interface MenuSection {
  /** Its name, as `findMenuEntries` reports it. */
  readonly entry: string;
  /**
   * Whether this tenant's menu shows it: a feature that is switched off (or not set up) has no
   * button, rather than one that answers "not available".
   */
  readonly isShown: (switches: MenuSwitches) => boolean;
  readonly button: (t: Translate, switches: MenuSwitches) => MenuButton;
  /**
   * Its handlers, mounted after the check that onboarding is complete. A section whose feature is
   * switched off refuses politely, for a button an old message still shows.
   */
  readonly composer?: BotComposer<BotContext>;
}
