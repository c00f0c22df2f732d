import type { WidgetNode } from '@mosaic/sdk';
import { describe, expect, it } from 'vitest';
import { WidgetTree, type WidgetRenderContext } from './widget-tree.js';

const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
const context: WidgetRenderContext = {
  actionUrl: '/t/acme/portal/widgets/action',
  csrfToken: 'csrf-token-1',
  widgetKey: 'inst-1:tracking',
  containerId: 'w-inst-1--tracking',
  format: {
    dateTime: (iso) => `when:${new Date(iso).toISOString()}`,
    number: (n) => n.toLocaleString('de-DE'),
  },
};

async function render(tree: WidgetNode, ctx: Partial<WidgetRenderContext> = {}): Promise<string> {
  return (await (<WidgetTree tree={tree} context={{ ...context, ...ctx }} />)).toString();
}

/**
 * Every tag in the output is one the renderer wrote: each `<` opens or closes a well-formed tag
 * whose attributes are quoted, none is a script or image, and no attribute is an event handler.
 * Plugin text that looks like markup can then only be text or inside a quoted value.
 */
function expectInert(html: string): void {
  const tags = [...html.matchAll(/<\/?([a-zA-Z][\w-]*)((?:\s+[\w:-]+(?:="[^"<>]*")?)*)\s*\/?>/g)];
  expect(tags.length).toBe(html.split('<').length - 1);
  for (const [, name, attrs] of tags) {
    expect(['script', 'img', 'iframe', 'object', 'embed', 'style']).not.toContain(name!.toLowerCase());
    const attrNames = [...attrs!.replace(/="[^"]*"/g, '').matchAll(/[\w:-]+/g)].map(([a]) => a.toLowerCase());
    expect(attrNames.filter((a) => a.startsWith('on'))).toEqual([]);
  }
  expect(html).not.toMatch(/href="\s*javascript:/i);
}

describe('WidgetTree', () => {
  it('draws every component as the element that means it', async () => {
    const tree: WidgetNode = {
      type: 'card', title: 'Shipment', children: [
        { type: 'heading', text: 'Status', level: 3 },
        { type: 'stack', direction: 'horizontal', gap: 'small', children: [
          { type: 'badge', text: 'Delayed', tone: 'warning' },
          { type: 'text', text: 'Two days late', tone: 'danger' },
        ] },
        { type: 'keyValue', items: [{ label: 'Carrier', value: 'ACME' }, { label: 'Parcels', value: 1234.5 }] },
        { type: 'table', columns: ['Parcel', 'Weight'], rows: [['P-1', 2.5], ['P-2', null]] },
        { type: 'timeline', items: [{ at: '2026-03-01T10:00:00+01:00', title: 'Picked up', description: 'Lyon', tone: 'success' }] },
        { type: 'map', markers: [{ lat: 45.76, lon: 4.84, label: 'Lyon' }] },
        { type: 'link', text: 'Carrier page', href: 'https://carrier.example/track?id=1&x=2' },
        { type: 'button', label: 'Refresh', action: 'refreshTracking', input: { parcel: 'P-1' }, variant: 'primary' },
      ],
    };
    const html = await render(tree);
    expect(html).toContain('<section class="mw-card"><h3 class="mw-card-title">Shipment</h3>');
    // The plugin's level 3 only sizes the heading; the outline goes one under the card title.
    expect(html).toContain('<h4 class="mw-heading mw-heading-3">Status</h4>');
    expect(html).toContain('<div class="mw-stack mw-stack-horizontal mw-gap-small">');
    expect(html).toMatch(/<span class="mw-badge mw-tone-warning"><span class="mw-tone-icon" aria-hidden="true">!<\/span><span class="mw-visually-hidden">Warning: <\/span>Delayed<\/span>/);
    expect(html).toMatch(/<p class="mw-text mw-tone-danger">.*Problem: .*Two days late<\/p>/);
    expect(html).toContain('<dt>Carrier</dt><dd>ACME</dd>');
    expect(html).toContain('<dt>Parcels</dt><dd>1.234,5</dd>');
    expect(html).toContain('<th scope="col">Parcel</th><th scope="col">Weight</th>');
    expect(html).toContain('<th scope="row">P-1</th><td>2,5</td>');
    expect(html).toContain('<span class="mw-visually-hidden">no value</span>');
    expect(html).toContain('<ol class="mw-timeline">');
    expect(html).toContain('<time datetime="2026-03-01T10:00:00+01:00">when:2026-03-01T09:00:00.000Z</time>');
    expect(html).toContain('<p class="mw-timeline-description">Lyon</p>');
    expect(html).toMatch(/<figure class="mw-map"><svg [^>]*role="img" aria-label="Map with 1 place: Lyon"/);
    expect(html).toContain('<a class="mw-link" href="https://carrier.example/track?id=1&amp;x=2" target="_blank" rel="noopener noreferrer nofollow">');
    expect(html).toContain('<span class="mw-visually-hidden"> (opens in a new tab)</span>');
  });

  it('makes a button a form that posts without JavaScript and that htmx swaps in place', async () => {
    const html = await render({ type: 'button', label: 'Refresh', action: 'refreshTracking', input: { parcel: 'P-1' } });
    const form = /<form ([^>]*)>(.*)<\/form>/.exec(html);
    expect(form).not.toBeNull();
    const [, attrs, body] = form!;
    expect(attrs).toContain('method="post"');
    expect(attrs).toContain(`action="${context.actionUrl}"`);
    expect(attrs).toContain(`hx-post="${context.actionUrl}"`);
    expect(attrs).toContain(`hx-target="#${context.containerId}"`);
    expect(attrs).toContain('hx-swap="outerHTML"');
    const hidden = Object.fromEntries([...body!.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)"\/>/g)]
      .map(([, name, value]) => [name, value!.replaceAll('&quot;', '"')]));
    expect(hidden).toEqual({ _csrf: 'csrf-token-1', widget: 'inst-1:tracking', action: 'refreshTracking', input: '{"parcel":"P-1"}' });
    expect(body).toContain('<button type="submit" class="mw-button mw-button-secondary">Refresh</button>');
  });

  it('sends no input field for a button without input', async () => {
    const html = await render({ type: 'button', label: 'Go', action: 'go' });
    expect(html).not.toContain('name="input"');
  });

  it('starts headings under the title level the page gives', async () => {
    const html = await render(
      { type: 'card', title: 'Outer', children: [{ type: 'card', title: 'Inner', children: [{ type: 'heading', text: 'Deep' }] }] },
      { titleLevel: 4 },
    );
    expect(html).toContain('<h5 class="mw-card-title">Outer</h5>');
    expect(html).toContain('<h6 class="mw-card-title">Inner</h6>');
    // Nothing deeper than h6 exists; it stays there.
    expect(html).toContain('<h6 class="mw-heading mw-heading-1">Deep</h6>');
  });

  it('escapes a script in every text field a plugin controls', async () => {
    const tree: WidgetNode = {
      type: 'card', title: XSS, children: [
        { type: 'heading', text: XSS },
        { type: 'text', text: XSS, tone: 'info' },
        { type: 'badge', text: XSS },
        { type: 'keyValue', items: [{ label: XSS, value: XSS }] },
        { type: 'table', columns: [XSS], rows: [[XSS]] },
        { type: 'timeline', items: [{ at: '2026-03-01T10:00:00Z', title: XSS, description: XSS }] },
        { type: 'map', markers: [{ lat: 1, lon: 1, label: XSS }], caption: XSS },
        { type: 'link', text: XSS, href: `https://x.example/"><script>alert(1)</script>` },
        { type: 'button', label: XSS, action: 'go', input: { s: XSS } },
      ],
    };
    const html = await render(tree);
    expectInert(html);
    // Each field still shows, as text.
    expect(html.split('&lt;script&gt;alert(1)&lt;/script&gt;').length - 1).toBeGreaterThanOrEqual(12);
    // The table region's name is built from the columns: escaped too.
    expect(html).toMatch(/aria-label="&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;img src=x onerror=alert\(2\)&gt;&quot;&#39;&amp;"/);
  });

  it('refuses an href that is not http(s), even from a tree that skipped validation', async () => {
    for (const href of ['javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>x</script>', '/relative', 'mailto:a@b.c']) {
      const html = await render({ type: 'link', text: 'click', href });
      expect(html).not.toContain('<a');
      expect(html).not.toContain('href=');
      expect(html).toContain('<span class="mw-link-refused">click</span>');
    }
  });

  it('decides no URL from the plugin: the button posts to the host route whatever the action says', async () => {
    const html = await render({ type: 'button', label: 'x', action: 'https://evil.example/x' } as WidgetNode);
    expect(html).toContain(`action="${context.actionUrl}"`);
    expect(html).not.toContain('action="https://evil.example');
  });
});
