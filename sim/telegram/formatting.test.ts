import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { formatText } from './formatting.js';

const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error.description;
    throw error;
  }
  return 'no error';
};

describe('parse_mode HTML', () => {
  it('strips tags into entities with UTF-16 offsets', () => {
    expect(formatText('🙂 <b>bold <i>both</i></b> <code>x&lt;y</code>', 'HTML', undefined)).toEqual({
      text: '🙂 bold both x<y',
      entities: [
        { type: 'bold', offset: 3, length: 9 },
        { type: 'italic', offset: 8, length: 4 },
        { type: 'code', offset: 13, length: 3 },
      ],
    });
  });

  it('handles pre with a language, spoilers and links', () => {
    const result = formatText(
      '<pre><code class="language-ts">let a</code></pre><span class="tg-spoiler">s</span><a href="tg://user?id=5">u</a>',
      'HTML',
      undefined,
    );
    expect(result.entities).toEqual([
      { type: 'pre', offset: 0, length: 5, language: 'ts' },
      { type: 'spoiler', offset: 5, length: 1 },
      { type: 'text_mention', offset: 6, length: 1, user: { id: 5 } },
    ]);
  });

  it('rejects malformed markup like Telegram', () => {
    expect(errorOf(() => formatText('<foo>x</foo>', 'HTML', undefined))).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0',
    );
    expect(errorOf(() => formatText('<b>x</i>', 'HTML', undefined))).toBe(
      'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
    );
  });
});

describe('parse_mode MarkdownV2', () => {
  it('parses entities and escapes', () => {
    expect(formatText('*Pro* plan \\- _100_ ⭐\\!', 'MarkdownV2', undefined)).toEqual({
      text: 'Pro plan - 100 ⭐!',
      entities: [
        { type: 'bold', offset: 0, length: 3 },
        { type: 'italic', offset: 11, length: 3 },
      ],
    });
    expect(formatText('[site](https://x.io/a\\)b) `a\\`b`', 'MarkdownV2', undefined).entities).toEqual([
      { type: 'text_link', offset: 0, length: 4, url: 'https://x.io/a)b' },
      { type: 'code', offset: 5, length: 3 },
    ]);
    expect(formatText('```js\nlet x\n```', 'MarkdownV2', undefined)).toEqual({
      text: 'let x',
      entities: [{ type: 'pre', offset: 0, length: 5, language: 'js' }],
    });
  });

  it('rejects unescaped reserved characters and unclosed entities', () => {
    expect(errorOf(() => formatText('Price: 10.5', 'MarkdownV2', undefined))).toBe(
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    expect(errorOf(() => formatText('a *b', 'MarkdownV2', undefined))).toBe(
      "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 2",
    );
  });
});

describe('plain text and legacy Markdown', () => {
  it('trims surrounding whitespace and keeps explicit entities', () => {
    expect(formatText('  hi  ', undefined, [{ type: 'bold', offset: 2, length: 2 }])).toEqual({
      text: 'hi',
      entities: [{ type: 'bold', offset: 0, length: 2 }],
    });
  });

  it('parses legacy Markdown', () => {
    expect(formatText('*b* _i_ [l](http://x.y)', 'Markdown', undefined)).toEqual({
      text: 'b i l',
      entities: [
        { type: 'bold', offset: 0, length: 1 },
        { type: 'italic', offset: 2, length: 1 },
        { type: 'text_link', offset: 4, length: 1, url: 'http://x.y' },
      ],
    });
    expect(errorOf(() => formatText('*open', 'Markdown', undefined))).toBe(
      "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 0",
    );
  });
});
