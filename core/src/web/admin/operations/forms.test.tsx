import { describe, expect, it } from 'vitest';
import type { Connection, PageArgs } from '../../../domain/pagination.js';
import { AppError } from '../../../lib/errors.js';
import { everyNode, inputErrors, numberOf, padRows, renameRows, rowsOf } from './forms.js';

describe('the operations forms\' helpers', () => {
  it('reads numbers as typed: blank is undefined, digits a number, anything else the text', () => {
    expect(numberOf('  ')).toBeUndefined();
    expect(numberOf(' 42 ')).toBe(42);
    expect(numberOf('-3')).toBe(-3);
    expect(numberOf('4.5')).toBe('4.5');
    expect(numberOf('soon')).toBe('soon');
  });

  it('reads repeated rows up to the first the form did not send, with their row numbers', () => {
    const body = { 'skills.0.skill': 'billing', 'skills.0.level': '3', 'skills.1.skill': '', 'skills.1.level': '', 'skills.2.skill': 'es', 'skills.4.skill': 'lost' };
    expect(rowsOf(body, 'skills', ['skill', 'level'] as const, 10)).toEqual([
      { skill: 'billing', level: '3', row: 0 }, { skill: '', level: '', row: 1 }, { skill: 'es', level: '', row: 2 },
    ]);
    expect(rowsOf(body, 'skills', ['skill'] as const, 1)).toHaveLength(1);
  });

  it('pads rows to a few blank ones past the last filled one, never past the maximum', () => {
    const blank = () => '';
    expect(padRows(['a'], (r) => !r, blank, 2, 10)).toEqual(['a', '', '']);
    expect(padRows(['a', '', ''], (r) => !r, blank, 2, 10)).toEqual(['a', '', '']);
    expect(padRows(['a', 'b', 'c'], (r) => !r, blank, 2, 4)).toEqual(['a', 'b', 'c', '']);
  });

  it('puts a use-case\'s issues beside the form row they came from, in the page\'s words', () => {
    const err = new AppError('BAD_USER_INPUT', 'invalid input', {
      issues: [
        { path: ['skills', 1, 'level'], message: 'Too big' },
        { path: ['skills'], message: 'each skill once' },
        { path: ['priority'], message: 'Too small' },
        { path: ['unknown'], message: 'as the use-case says' },
      ],
    });
    const t = (key: string) => `<${key}>`;
    const errors = inputErrors(err, t, { 'skills.*.level': 'level', skills: 'skills', priority: 'priority' }, renameRows('skills', [0, 3]));
    expect(errors).toEqual({ 'skills.3.level': '<level>', skills: '<skills>', priority: '<priority>', unknown: 'as the use-case says' });
    expect(inputErrors(new AppError('NOT_FOUND', 'gone'), t, {})).toBeNull();
  });

  it('gathers every page of a paged list', async () => {
    const all = Array.from({ length: 230 }, (_, i) => i);
    const page = async (args: PageArgs): Promise<Connection<number>> => {
      const from = args.after ? Number(args.after) + 1 : 0;
      const rows = all.slice(from, from + (args.first ?? 20));
      const last = rows.at(-1);
      return {
        edges: rows.map((n) => ({ cursor: String(n), node: n })),
        pageInfo: { hasNextPage: last !== undefined && last < all.length - 1, hasPreviousPage: from > 0, startCursor: String(rows[0]), endCursor: String(last) },
      };
    };
    expect(await everyNode(page)).toEqual(all);
  });
});
