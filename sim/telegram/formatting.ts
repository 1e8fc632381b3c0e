// parse_mode handling. Telegram strips the markup and returns plain text plus entities, and rejects
// malformed markup with "can't parse entities"; doing the same here catches broken HTML or unescaped
// MarkdownV2 in tests instead of in production.
import type { MessageEntity } from 'grammy/types';
import { type ApiError, badRequest } from './api-error.js';
import { isRecord } from './params.js';
import { byteLength } from './util.js';

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

type EntityDraft = { type: string; offset: number; length: number } & Record<string, unknown>;

const parseError = (reason: string): ApiError => badRequest(`can't parse entities: ${reason}`);
const byteOffset = (source: string, index: number): number => byteLength(source.slice(0, index));

export function formatText(
  raw: string,
  parseMode: string | undefined,
  explicitEntities: unknown,
): FormattedText {
  let result: FormattedText;
  const mode = (parseMode ?? '').toLowerCase();
  if (mode === '') {
    result = { text: raw, entities: validateEntities(explicitEntities) };
  } else if (mode === 'html') {
    result = parseHtml(raw);
  } else if (mode === 'markdownv2') {
    result = parseMarkdownV2(raw);
  } else if (mode === 'markdown') {
    result = parseMarkdownLegacy(raw);
  } else {
    throw badRequest('unsupported parse_mode');
  }
  return trimText(result);
}

function validateEntities(value: unknown): MessageEntity[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest("can't parse entities JSON object");
  for (const entity of value) {
    if (!isRecord(entity) || typeof entity.type !== 'string') {
      throw badRequest('can\'t parse MessageEntity: field "type" must be of type String');
    }
  }
  return value as MessageEntity[];
}

/** Telegram trims surrounding whitespace from message text; entity offsets shift accordingly. */
function trimText({ text, entities }: FormattedText): FormattedText {
  const start = text.length - text.trimStart().length;
  const trimmed = text.trim();
  if (start === 0 && trimmed.length === text.length) return { text, entities };
  const end = trimmed.length;
  const shifted: MessageEntity[] = [];
  for (const entity of entities) {
    const from = Math.max(0, entity.offset - start);
    const to = Math.min(end, entity.offset + entity.length - start);
    if (to > from) shifted.push({ ...entity, offset: from, length: to - from });
  }
  return { text: trimmed, entities: shifted };
}

function finish(drafts: EntityDraft[]): MessageEntity[] {
  return drafts.filter((entity) => entity.length > 0) as unknown as MessageEntity[];
}

// ---------------------------------------------------------------------------------------------- HTML

const HTML_TAGS: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};

const NAMED_ENTITIES: Record<string, string> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

interface OpenTag {
  name: string;
  draft: EntityDraft | undefined;
}

function parseHtml(source: string): FormattedText {
  let out = '';
  const drafts: EntityDraft[] = [];
  const stack: OpenTag[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '&') {
      const match = /^&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/.exec(source.slice(i, i + 12));
      const decoded = match ? decodeHtmlEntity(match[1]!) : undefined;
      if (match && decoded !== undefined) {
        out += decoded;
        i += match[0].length;
      } else {
        out += ch;
        i++;
      }
      continue;
    }
    if (ch !== '<') {
      out += ch;
      i++;
      continue;
    }
    const close = findTagEnd(source, i);
    if (close < 0) throw parseError(`Unclosed start tag at byte offset ${byteOffset(source, i)}`);
    const inner = source.slice(i + 1, close);
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim().toLowerCase();
      const open = stack.pop();
      if (!open) throw parseError(`Unexpected end tag at byte offset ${byteOffset(source, i)}`);
      if (open.name !== name) {
        throw parseError(
          `Unmatched end tag at byte offset ${byteOffset(source, i)}, expected "</${open.name}>", found "</${name}>"`,
        );
      }
      if (open.draft) open.draft.length = out.length - open.draft.offset;
    } else {
      const nameMatch = /^[a-zA-Z][a-zA-Z0-9-]*/.exec(inner);
      const name = (nameMatch?.[0] ?? '').toLowerCase();
      const type = HTML_TAGS[name];
      if (!type) throw parseError(`Unsupported start tag "${name}" at byte offset ${byteOffset(source, i)}`);
      const attrs = parseAttributes(inner.slice(name.length));
      stack.push({ name, draft: htmlDraft(name, type, attrs, out.length, stack, drafts, source, i) });
    }
    i = close + 1;
  }
  const unclosed = stack.pop();
  if (unclosed) throw parseError(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { text: out, entities: finish(drafts) };
}

function htmlDraft(
  name: string,
  type: string,
  attrs: Map<string, string>,
  offset: number,
  stack: OpenTag[],
  drafts: EntityDraft[],
  source: string,
  at: number,
): EntityDraft | undefined {
  if (name === 'span' && attrs.get('class') !== 'tg-spoiler') {
    throw parseError(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(source, at)}`);
  }
  if (name === 'a') {
    const href = attrs.get('href');
    if (href === undefined || href === '') return undefined;
    const userMention = /^tg:\/\/user\?id=(\d+)$/.exec(href);
    if (userMention)
      return push({ type: 'text_mention', offset, length: 0, user: { id: Number(userMention[1]) } });
    return push({ type, offset, length: 0, url: href });
  }
  if (name === 'code') {
    // <pre><code class="language-x"> sets the language of the enclosing pre instead of nesting code.
    const parent = stack[stack.length - 1];
    if (parent?.name === 'pre' && parent.draft) {
      const language = /^language-(.+)$/.exec(attrs.get('class') ?? '')?.[1];
      if (language) parent.draft.language = language;
      return undefined;
    }
  }
  if (name === 'blockquote' && attrs.has('expandable'))
    return push({ type: 'expandable_blockquote', offset, length: 0 });
  if (name === 'tg-emoji')
    return push({ type, offset, length: 0, custom_emoji_id: attrs.get('emoji-id') ?? '' });
  return push({ type, offset, length: 0 });

  function push(draft: EntityDraft): EntityDraft {
    drafts.push(draft);
    return draft;
  }
}

function findTagEnd(source: string, start: number): number {
  let quote: string | undefined;
  for (let i = start + 1; i < source.length; i++) {
    const ch = source[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '>') {
      return i;
    } else if (ch === '<') {
      return -1;
    }
  }
  return -1;
}

function parseAttributes(text: string): Map<string, string> {
  const attrs = new Map<string, string>();
  const re = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  for (let match = re.exec(text); match; match = re.exec(text)) {
    const raw = match[2] ?? match[3] ?? match[4] ?? '';
    attrs.set(match[1]!.toLowerCase(), decodeEntitiesIn(raw));
  }
  return attrs;
}

function decodeEntitiesIn(text: string): string {
  return text.replace(
    /&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g,
    (whole, body: string) => decodeHtmlEntity(body) ?? whole,
  );
}

function decodeHtmlEntity(body: string): string | undefined {
  if (body.startsWith('#x') || body.startsWith('#X'))
    return safeCodePoint(Number.parseInt(body.slice(2), 16));
  if (body.startsWith('#')) return safeCodePoint(Number.parseInt(body.slice(1), 10));
  return NAMED_ENTITIES[body.toLowerCase()];
}

function safeCodePoint(code: number): string | undefined {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

// ----------------------------------------------------------------------------------------- MarkdownV2

const V2_RESERVED = new Set('_*[]()~`>#+-=|{}.!'.split(''));
const V2_NAMES: Record<string, string> = {
  bold: 'Bold',
  italic: 'Italic',
  underline: 'Underline',
  strikethrough: 'Strikethrough',
  spoiler: 'Spoiler',
  text_link: 'TextUrl',
  blockquote: 'BlockQuote',
};

interface MarkdownOpen {
  type: string;
  draft: EntityDraft;
  at: number;
}

function parseMarkdownV2(source: string): FormattedText {
  let out = '';
  const drafts: EntityDraft[] = [];
  const stack: MarkdownOpen[] = [];
  let quote: EntityDraft | undefined;
  let i = 0;

  const toggle = (type: string, at: number): void => {
    const index = stack.findLastIndex((open) => open.type === type);
    if (index >= 0) {
      const [open] = stack.splice(index, 1);
      open!.draft.length = out.length - open!.draft.offset;
      return;
    }
    const draft: EntityDraft = { type, offset: out.length, length: 0 };
    drafts.push(draft);
    stack.push({ type, draft, at });
  };

  while (i < source.length) {
    const ch = source[i]!;
    const lineStart = i === 0 || source[i - 1] === '\n';
    if (lineStart) {
      if (ch === '>') {
        if (!quote) {
          quote = { type: 'blockquote', offset: out.length, length: 0 };
          drafts.push(quote);
        }
        i++;
        continue;
      }
      if (quote) {
        quote.length = trimNewline(out).length - quote.offset;
        quote = undefined;
      }
    }
    if (ch === '\\') {
      const next = source[i + 1];
      if (next === undefined)
        throw parseError(`Character '\\' is reserved and must be escaped with the preceding '\\'`);
      out += next;
      i += 2;
      continue;
    }
    if (ch === '`') {
      const fence = source.startsWith('```', i);
      const openLength = fence ? 3 : 1;
      const end = findUnescaped(source, fence ? '```' : '`', i + openLength);
      if (end < 0) {
        throw parseError(
          `Can't find end of ${fence ? 'Pre' : 'Code'} entity at byte offset ${byteOffset(source, i)}`,
        );
      }
      let content = source.slice(i + openLength, end);
      const draft: EntityDraft = { type: fence ? 'pre' : 'code', offset: 0, length: 0 };
      if (fence) {
        const newline = content.indexOf('\n');
        const firstLine = newline >= 0 ? content.slice(0, newline) : '';
        if (newline >= 0 && firstLine !== '' && !/\s/.test(firstLine)) draft.language = firstLine;
        if (newline >= 0 && (firstLine === '' || draft.language !== undefined))
          content = content.slice(newline + 1);
      }
      content = content.replace(/\\([\\`])/g, '$1');
      draft.offset = out.length;
      out += content;
      draft.length = content.length;
      drafts.push(draft);
      i = end + openLength;
      continue;
    }
    if (ch === '*') {
      toggle('bold', i);
      i++;
      continue;
    }
    if (ch === '_') {
      if (source[i + 1] === '_') {
        toggle('underline', i);
        i += 2;
      } else {
        toggle('italic', i);
        i++;
      }
      continue;
    }
    if (ch === '~') {
      toggle('strikethrough', i);
      i++;
      continue;
    }
    if (ch === '|' && source[i + 1] === '|') {
      toggle('spoiler', i);
      i += 2;
      continue;
    }
    if (ch === '[') {
      const draft: EntityDraft = { type: 'text_link', offset: out.length, length: 0 };
      drafts.push(draft);
      stack.push({ type: 'text_link', draft, at: i });
      i++;
      continue;
    }
    if (ch === ']') {
      const top = stack[stack.length - 1];
      if (top?.type !== 'text_link') throw reservedChar(ch);
      stack.pop();
      top.draft.length = out.length - top.draft.offset;
      if (source[i + 1] !== '(') {
        // "[text]" without a URL is plain text in Telegram; drop the entity.
        top.draft.length = 0;
        i++;
        continue;
      }
      const end = findUnescaped(source, ')', i + 2);
      if (end < 0) throw parseError(`Can't find end of a URL at byte offset ${byteOffset(source, i + 1)}`);
      top.draft.url = source.slice(i + 2, end).replace(/\\([\\)])/g, '$1');
      i = end + 1;
      continue;
    }
    if (V2_RESERVED.has(ch)) throw reservedChar(ch);
    out += ch;
    i++;
  }
  if (quote) quote.length = out.length - quote.offset;
  const unclosed = stack[0];
  if (unclosed) {
    const name = V2_NAMES[unclosed.type] ?? unclosed.type;
    throw parseError(`Can't find end of ${name} entity at byte offset ${byteOffset(source, unclosed.at)}`);
  }
  return { text: out, entities: finish(drafts.sort((a, b) => a.offset - b.offset || b.length - a.length)) };
}

function reservedChar(ch: string): ApiError {
  return parseError(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
}

function trimNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

function findUnescaped(source: string, needle: string, from: number): number {
  for (let i = from; i < source.length; i++) {
    if (source[i] === '\\') {
      i++;
      continue;
    }
    if (source.startsWith(needle, i)) return i;
  }
  return -1;
}

// ------------------------------------------------------------------------------------ legacy Markdown

function parseMarkdownLegacy(source: string): FormattedText {
  let out = '';
  const drafts: EntityDraft[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\' && i + 1 < source.length && '_*`['.includes(source[i + 1]!)) {
      out += source[i + 1];
      i += 2;
      continue;
    }
    const simple = ch === '*' ? 'bold' : ch === '_' ? 'italic' : undefined;
    if (simple || ch === '`') {
      const fence = ch === '`' && source.startsWith('```', i);
      const marker = fence ? '```' : ch;
      const end = source.indexOf(marker, i + marker.length);
      if (end < 0) {
        throw parseError(`Can't find end of the entity starting at byte offset ${byteOffset(source, i)}`);
      }
      let content = source.slice(i + marker.length, end);
      const draft: EntityDraft = { type: simple ?? (fence ? 'pre' : 'code'), offset: 0, length: 0 };
      if (fence) {
        const newline = content.indexOf('\n');
        if (newline > 0 && !/\s/.test(content.slice(0, newline))) {
          draft.language = content.slice(0, newline);
          content = content.slice(newline + 1);
        }
      }
      draft.offset = out.length;
      out += content;
      draft.length = content.length;
      drafts.push(draft);
      i = end + marker.length;
      continue;
    }
    if (ch === '[') {
      const close = source.indexOf('](', i + 1);
      const end = close < 0 ? -1 : source.indexOf(')', close + 2);
      if (close < 0 || end < 0) {
        throw parseError(`Can't find end of the entity starting at byte offset ${byteOffset(source, i)}`);
      }
      const label = source.slice(i + 1, close);
      drafts.push({
        type: 'text_link',
        offset: out.length,
        length: label.length,
        url: source.slice(close + 2, end),
      });
      out += label;
      i = end + 1;
      continue;
    }
    out += ch;
    i++;
  }
  return { text: out, entities: finish(drafts) };
}
