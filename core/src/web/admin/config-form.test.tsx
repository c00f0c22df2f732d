import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../plugins/installer/index.js';
import { formatters, translator } from '../i18n/index.js';
import { ViewProvider, type WebView } from '../view.js';
import { fieldErrorsOf } from '../form-fields.js';
import { ConfigFields, configFromForm } from './config-form.js';

const SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Name', minLength: 2 },
    site: { type: 'string', format: 'uri' },
    retries: { type: 'integer', minimum: 0, maximum: 5, default: 2 },
    ratio: { type: 'number' },
    loud: { type: 'boolean', description: 'Shout' },
    tone: { type: 'string', enum: ['calm', 'cheerful'] },
    tags: { type: 'array', items: { type: 'string' } },
    days: { type: 'array', items: { type: 'string', enum: ['mon', 'tue'] } },
    limits: { type: 'object', properties: { max: { type: 'integer' } } },
  },
  required: ['name'],
};

const view: WebView = { locale: 'en', t: translator('en'), format: formatters('en'), nonce: 'n', path: '/' };
const render = (values: Record<string, unknown>, errors: Record<string, string> = {}) =>
  (<ViewProvider value={view}><ConfigFields schema={SCHEMA} values={values} errors={errors} /></ViewProvider>).toString();

describe('configFromForm', () => {
  it('reads each kind of field as the schema types it, leaving out empty optional ones', () => {
    const config = configFromForm(SCHEMA, {
      'config.name': 'Ada', 'config.site': '', 'config.retries': '3', 'config.ratio': '0.5', 'config.loud': 'on', 'config.tone': 'calm',
      'config.tags': 'a\n b \n\n', 'config.days': ['mon', 'tue'], 'config.limits': '{"max": 4}',
    });
    expect(config).toEqual({ name: 'Ada', retries: 3, ratio: 0.5, loud: true, tone: 'calm', tags: ['a', 'b'], days: ['mon', 'tue'], limits: { max: 4 } });
    expect(validateConfig(SCHEMA, config)).toEqual(config);
  });

  it('passes what does not read as a number on, so the installer\'s validator names it beside the field', () => {
    const config = configFromForm(SCHEMA, { 'config.name': 'A', 'config.retries': 'many' });
    expect(config).toEqual({ name: 'A', loud: false, tags: [], days: [], retries: 'many' });
    let caught: unknown;
    try {
      validateConfig(SCHEMA, config);
    } catch (err) {
      caught = err;
    }
    expect(Object.keys(fieldErrorsOf(caught, ['input']) ?? {}).sort()).toEqual(['config.name', 'config.retries']);
  });
});

describe('ConfigFields', () => {
  it('draws a control per kind, with labels, hints, defaults and errors beside the field', async () => {
    const html = await render({}, { 'config.retries': 'must be <= 5' });
    expect(html).toContain('<label for="f-config-name">Name</label>');
    expect(html).toMatch(/<input id="f-config-site" name="config.site" type="url"/);
    expect(html).toMatch(/<input id="f-config-retries" name="config.retries" type="number" value="2" step="1" min="0" max="5" aria-invalid="true" aria-describedby="f-config-retries-error"\/>/);
    expect(html).toContain('<p class="field__error" id="f-config-retries-error">must be &lt;= 5</p>');
    expect(html).toMatch(/<input id="f-config-loud" name="config.loud" type="checkbox"[^>]*aria-describedby="f-config-loud-hint"/);
    expect(html).toMatch(/<select id="f-config-tone" name="config.tone"><option value="" selected="">— not set —<\/option><option value="calm">calm<\/option>/);
    expect(html).toMatch(/<textarea id="f-config-tags" name="config.tags"/);
    expect(html).toMatch(/<legend>days \(optional\)<\/legend>/);
    expect(html).toMatch(/<textarea id="f-config-limits" name="config.limits"/);
  });

  it('shows stored values, arrays one per line and objects as JSON', async () => {
    const html = await render({ name: 'Ada', tags: ['a', 'b'], days: ['tue'], limits: { max: 4 }, tone: 'cheerful' });
    expect(html).toContain('value="Ada"');
    expect(html).toMatch(/name="config.tags"[^>]*>a\nb<\/textarea>/);
    expect(html).toMatch(/value="tue" checked=""/);
    expect(html).toContain('<option value="cheerful" selected="">cheerful</option>');
    expect(html).toContain('{\n  &quot;max&quot;: 4\n}');
  });
});
