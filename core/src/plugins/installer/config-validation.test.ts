import { describe, expect, it } from 'vitest';
import { keyValues } from '../../cli/commands/plugin-values.js';
import { validateConfig } from './config-validation.js';

const schema = { type: 'object', properties: { greeting: { type: 'string', default: 'Hi' } } };
const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('plugin config nesting', () => {
  it('a config nested 5 000 deep (GraphQL JSON or the CLI\'s --config k=<json>) → BAD_USER_INPUT, not a stack overflow', () => {
    for (const config of [JSON.parse(deepJson(5000)), keyValues([`deep=${deepJson(5000)}`], 'config')]) {
      let thrown: unknown;
      try {
        validateConfig(schema, config);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'BAD_USER_INPUT', message: 'config nests deeper than 32 levels; flatten it' });
    }
  });

  it('ordinary nesting is validated as before', () => {
    expect(validateConfig(schema, { nested: JSON.parse(deepJson(10)) })).toEqual({ greeting: 'Hi', nested: JSON.parse(deepJson(10)) });
  });
});

describe('plugin config problems', () => {
  it('every problem is an issue with its path from `config` down', () => {
    const strict = { type: 'object', properties: { greeting: { type: 'string', minLength: 1 }, lines: { type: 'array', items: { type: 'integer' } } } };
    let thrown: unknown;
    try {
      validateConfig(strict, { greeting: '', lines: [1, 'two'] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/^invalid config: config\.greeting: must NOT have fewer than 1 characters; config\.lines\.1: must be integer$/),
      details: { issues: [{ path: ['config', 'greeting'], message: expect.any(String) }, { path: ['config', 'lines', 1], message: 'must be integer' }] },
    });
  });
});

describe('plugin config formats', () => {
  const withFormats = { type: 'object', properties: { endpoint: { type: 'string', format: 'uri' }, notify: { type: 'string', format: 'email' } } };

  it('checks `format` rather than ignoring it', () => {
    expect(validateConfig(withFormats, { endpoint: 'https://carrier.example/track', notify: 'ops@example.com' }))
      .toEqual({ endpoint: 'https://carrier.example/track', notify: 'ops@example.com' });
    expect(() => validateConfig(withFormats, { endpoint: 'not a uri', notify: 'nobody' })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { issues: [
        { path: ['config', 'endpoint'], message: 'must match format "uri"' },
        { path: ['config', 'notify'], message: 'must match format "email"' },
      ] } }),
    );
  });
});
