import { describe, expect, it } from 'vitest';
import { WidgetEmpty, WidgetErrorBox, WidgetFrame, widgetDomId } from './widget-frame.js';

const html = async (el: ReturnType<typeof WidgetFrame>) => (await el).toString();

describe('widgetDomId', () => {
  it('is stable and a valid id for any parts', () => {
    expect(widgetDomId('inst_1', 'tracking')).toBe('w-inst_5f_1--tracking');
    expect(widgetDomId('inst_1', 'tracking')).toBe(widgetDomId('inst_1', 'tracking'));
    expect(widgetDomId('a b"<', 'é')).toMatch(/^w-[A-Za-z0-9_-]+$/);
  });

  it('never gives two different widgets the same id', () => {
    expect(widgetDomId('a-', '-b')).not.toBe(widgetDomId('a', '--b'));
    expect(widgetDomId('a:b', 'c')).not.toBe(widgetDomId('a_3a_b', 'c'));
    expect(widgetDomId('a:b')).not.toBe(widgetDomId('a\u03ab'));
    expect(widgetDomId('a', 'b')).not.toBe(widgetDomId('a--b'));
  });
});

describe('WidgetFrame', () => {
  it('names its section by its title heading', async () => {
    const out = await html(<WidgetFrame id="w-1" title="Tracking"><p>body</p></WidgetFrame>);
    expect(out).toBe('<section id="w-1" class="mw-widget" aria-labelledby="w-1-title"><h2 id="w-1-title" class="mw-widget-title">Tracking</h2><div class="mw-widget-body"><p>body</p></div></section>');
  });

  it('puts the title at the level the page asks and escapes it', async () => {
    const out = await html(<WidgetFrame id="w-2" title={'<script>x</script>'} titleLevel={3}>{''}</WidgetFrame>);
    expect(out).toContain('<h3 id="w-2-title" class="mw-widget-title">&lt;script&gt;x&lt;/script&gt;</h3>');
  });
});

describe('WidgetErrorBox and WidgetEmpty', () => {
  it('says the widget could not be shown, with its code', async () => {
    const out = await html(<WidgetErrorBox code="PLUGIN_TIMEOUT" />);
    expect(out).toContain('This widget could not be shown.');
    expect(out).toContain('Code: <code>PLUGIN_TIMEOUT</code>');
  });

  it('takes translated wording', async () => {
    const out = await html(<WidgetErrorBox code="PLUGIN_FAILED" labels={{ couldNotShow: 'Widget nicht verfügbar.', errorCode: 'Fehlercode' }} />);
    expect(out).toContain('Widget nicht verfügbar.');
    expect(out).toContain('Fehlercode: <code>PLUGIN_FAILED</code>');
  });

  it('shows an empty state', async () => {
    expect(await html(<WidgetEmpty />)).toBe('<p class="mw-widget-empty">Nothing to show here.</p>');
  });
});
