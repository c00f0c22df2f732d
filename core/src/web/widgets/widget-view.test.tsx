import { describe, expect, it } from 'vitest';
import { parseWidgetKey, WidgetView, widgetKey, type WidgetPageContext } from './widget-view.js';

const page: WidgetPageContext = { actionUrl: '/act', csrfToken: 'c1', format: { dateTime: (s) => s, number: String }, titleLevel: 3 };
const head = { installationId: 'inst:7', widgetId: 'tracking', title: 'Tracking <1>' };
const html = async (el: ReturnType<typeof WidgetView>) => (await el).toString();

describe('WidgetView', () => {
  it('draws an ok outcome in its frame, with buttons aimed at that frame', async () => {
    const out = await html(<WidgetView result={{ ...head, state: 'ok', tree: { type: 'button', label: 'Go', action: 'go' } }} page={page} />);
    const id = /<section id="([^"]+)"/.exec(out)![1]!;
    expect(out).toContain(`<h3 id="${id}-title" class="mw-widget-title">Tracking &lt;1&gt;</h3>`);
    expect(out).toContain(`hx-target="#${id}"`);
    expect(out).toContain('<input type="hidden" name="widget" value="inst:7:tracking"/>');
  });

  it("lets a root card's own title head the widget instead of the frame's, so no title shows twice", async () => {
    const tree = { type: 'card' as const, title: 'Where is my order?', children: [{ type: 'text' as const, text: 'On its way' }] };
    const out = await html(<WidgetView result={{ ...head, title: 'Where is my order?', state: 'ok', tree }} page={page} />);
    const id = /<section id="([^"]+)"/.exec(out)![1]!;
    expect(out.match(/Where is my order\?/g)).toHaveLength(1);
    expect(out).toContain(`<section id="${id}" class="mw-widget" aria-labelledby="${id}-title">`);
    expect(out).toContain(`<h3 id="${id}-title" class="mw-card-title mw-widget-title">Where is my order?</h3>`);
    // A card without a title, or a tree of another kind, keeps the frame's heading.
    const untitled = await html(<WidgetView result={{ ...head, state: 'ok', tree: { type: 'card', children: [] } }} page={page} />);
    expect(untitled).toContain(`<h3 id="${id}-title" class="mw-widget-title">Tracking &lt;1&gt;</h3>`);
  });

  it('draws the empty state and the error box with its code', async () => {
    expect(await html(<WidgetView result={{ ...head, state: 'empty' }} page={page} />)).toContain('Nothing to show here.');
    const failed = await html(<WidgetView result={{ ...head, state: 'error', code: 'PLUGIN_TIMEOUT' }} page={page} />);
    expect(failed).toContain('This widget could not be shown.');
    expect(failed).toContain('<code>PLUGIN_TIMEOUT</code>');
    expect(failed).not.toContain('<form');
  });

  it('gives the same frame id on every render, so an action answer replaces the right one', async () => {
    const first = await html(<WidgetView result={{ ...head, state: 'empty' }} page={page} />);
    const again = await html(<WidgetView result={{ ...head, state: 'error', code: 'PLUGIN_FAILED' }} page={page} />);
    expect(/<section id="([^"]+)"/.exec(first)![1]).toBe(/<section id="([^"]+)"/.exec(again)![1]);
  });
});

describe('widgetKey', () => {
  it('round-trips installation ids that contain colons', () => {
    expect(parseWidgetKey(widgetKey('inst:7', 'tracking'))).toEqual({ installationId: 'inst:7', widgetId: 'tracking' });
  });

  it('names nothing when a part is missing', () => {
    for (const key of ['', 'tracking', ':tracking', 'inst:']) expect(parseWidgetKey(key)).toBeUndefined();
  });
});
