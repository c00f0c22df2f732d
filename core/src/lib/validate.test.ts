import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { parseInput } from './validate.js';

const schema = z.object({ subject: z.string().max(300), lines: z.array(z.object({ name: z.string() })).optional(), meta: z.record(z.string(), z.string()).optional() });

const refusal = (input: unknown) => {
  try {
    parseInput(schema, input);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  return expect.fail('expected BAD_USER_INPUT');
};

describe('parseInput applies the text rule to every string of the input', () => {
  it('refuses a NUL, a lone surrogate and other control characters at any depth, keys included, naming the path', () => {
    expect(refusal({ subject: 'ab\u0000cd' })).toMatchObject({ code: 'BAD_USER_INPUT', details: { issues: [{ path: ['subject'], message: expect.stringMatching(/U\+0000/) }] } });
    expect(refusal({ subject: 's', lines: [{ name: 'ok' }, { name: '\uD800' }] }).details).toEqual({
      issues: [{ path: ['lines', 1, 'name'], message: expect.stringMatching(/lone UTF-16 surrogate/) }],
    });
    expect(refusal({ subject: 's', meta: { ['k\u001B']: 'v' } }).message).toMatch(/key contains the control character U\+001B/);
  });

  it('reports text problems and schema problems together, once per path', () => {
    const error = refusal({ subject: `\u0007${'x'.repeat(400)}`, lines: [{ name: 1 }] });
    expect((error.details!.issues as Array<{ path: unknown[] }>).map((i) => i.path)).toEqual([['subject'], ['lines', 0, 'name']]);
  });

  it('passes tabs, line breaks, emoji and CJK through unchanged', () => {
    const input = { subject: 'tab\there\r\nnext 🎉 漢字', lines: [{ name: 'é' }] };
    expect(parseInput(schema, input)).toEqual(input);
  });
});
