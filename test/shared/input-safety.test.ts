import { describe, expect, it } from 'vitest';
import { MAX_INPUT_DEPTH, scrubUnstorableInput } from '../../src/shared/input-safety.js';

/** `value` wrapped in `levels` arrays and objects, alternately. */
function nested(levels: number, value: unknown): unknown {
  let current = value;
  for (let level = 0; level < levels; level++) current = level % 2 ? [current] : { inner: current };
  return current;
}

describe('scrubUnstorableInput', () => {
  it('says unchanged, and changes nothing, when every string stores as it is', () => {
    const update = {
      update_id: 1,
      message: { text: 'سلام 😀 hi', entities: [{ type: 'bold', offset: 0, length: 4 }], photo: [] },
      flags: [true, null, 3, 'ok'],
    };
    const copy = structuredClone(update);
    expect(scrubUnstorableInput(update)).toBe('unchanged');
    expect(update).toEqual(copy);
  });

  it('replaces NUL and unpaired surrogates in values, array items and keys, at any depth', () => {
    const update: Record<string, unknown> = {
      update_id: 2,
      message: { text: 'a\u0000b', from: { first_name: 'Ali\ud800' } },
      list: ['ok', 'x\udc00', [['deep\u0000']]],
      'key\u0000': 'value',
      pair: '😀',
    };
    expect(scrubUnstorableInput(update)).toBe('scrubbed');
    expect(update).toEqual({
      update_id: 2,
      message: { text: 'a\uFFFDb', from: { first_name: 'Ali\uFFFD' } },
      list: ['ok', 'x\uFFFD', [['deep\uFFFD']]],
      'key\uFFFD': 'value',
      pair: '😀',
    });
  });

  it('says scrubbed when the only change is deep inside', () => {
    expect(scrubUnstorableInput(nested(10, 'x\u0000'))).toBe('scrubbed');
    expect(scrubUnstorableInput(nested(10, 'x'))).toBe('unchanged');
  });

  it(`takes ${MAX_INPUT_DEPTH} levels of nesting and refuses one more`, () => {
    expect(scrubUnstorableInput(nested(MAX_INPUT_DEPTH, 'x'))).toBe('unchanged');
    expect(scrubUnstorableInput(nested(MAX_INPUT_DEPTH + 1, 'x'))).toBe('too deep');
    // empty containers at the limit nest nothing
    expect(scrubUnstorableInput(nested(MAX_INPUT_DEPTH, []))).toBe('unchanged');
    // far deeper than the stack would take, refused without walking it
    expect(scrubUnstorableInput(nested(100_000, 'x'))).toBe('too deep');
  });
});
