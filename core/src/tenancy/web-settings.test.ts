import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTenants, type Tenants } from '../plugins/host/test-fixtures.js';
import { defaultBranding } from '../web/branding.js';
import { contrastWithWhite, DEFAULT_BRANDING, pageBranding, readBranding, updateBranding } from './web-settings.js';

let t: Tenants;
beforeAll(async () => { t = await openTenants(); });
afterAll(() => t.close());

const admin = { id: 'a1', role: 'admin' as const };
const codeOf = (p: Promise<unknown>) => p.then(() => 'no error', (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`);
const png = `data:image/png;base64,${Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(20)]).toString('base64')}`;

describe('branding settings', () => {
  it('computes WCAG contrast with white', () => {
    expect(contrastWithWhite('#000000')).toBeCloseTo(21, 5);
    expect(contrastWithWhite('#ffffff')).toBeCloseTo(1, 5);
    expect(contrastWithWhite('#767676')).toBeGreaterThan(4.5); // the lightest grey that passes
    expect(contrastWithWhite('#777777')).toBeLessThan(4.5);
  });

  it('answers the defaults until an admin saves, then keeps unchanged fields; tenants stay apart', async () => {
    expect(await readBranding(t.a.data)).toEqual(DEFAULT_BRANDING);
    const saved = await updateBranding(t.a.data, admin, { displayName: 'Acme Help', primaryColor: '#0B3D2E', logoDataUrl: png, customDomain: 'Help.Acme.com' });
    expect(saved).toMatchObject({ displayName: 'Acme Help', primaryColor: '#0b3d2e', accentColor: DEFAULT_BRANDING.accentColor, customDomain: 'help.acme.com' });
    await updateBranding(t.a.data, admin, { enabledLocales: ['es'], defaultLocale: 'es' });
    expect(await readBranding(t.a.data)).toMatchObject({ displayName: 'Acme Help', logoDataUrl: png, enabledLocales: ['es'], defaultLocale: 'es' });
    expect(await readBranding(t.b.data)).toEqual(DEFAULT_BRANDING);
    expect(pageBranding(await readBranding(t.a.data), 'acme')).toEqual({
      displayName: 'Acme Help', logoUrl: png, colors: { primary: '#0b3d2e', onPrimary: '#ffffff', accent: DEFAULT_BRANDING.accentColor },
      defaultLocale: 'es', enabledLocales: ['es'],
    });
    // Unset, the pages look exactly as they did before any settings existed.
    expect(pageBranding(DEFAULT_BRANDING, 'globex')).toEqual(defaultBranding('globex'));
  });

  it('refuses colours white text cannot be read on, bad logos, domains and locales, and non-admins', async () => {
    const refused = async (change: object) => codeOf(updateBranding(t.b.data, admin, change));
    expect(await refused({ primaryColor: '#ffcc00' })).toMatch(/^BAD_USER_INPUT: .*contrast 1\.\d\d:1/);
    expect(await refused({ accentColor: '#777777' })).toMatch(/^BAD_USER_INPUT/);
    expect(await refused({ accentColor: 'red' })).toMatch(/^BAD_USER_INPUT/);
    expect(await refused({ logoDataUrl: 'data:image/svg+xml;base64,PHN2Zz4=' })).toMatch(/^BAD_USER_INPUT/);
    expect(await refused({ logoDataUrl: png.replace('image/png', 'image/gif') })).toMatch(/not a gif image/);
    expect(await refused({ logoDataUrl: 'https://cdn.example.com/logo.png' })).toMatch(/^BAD_USER_INPUT/);
    for (const customDomain of ['localhost', '127.0.0.1', 'intranet', 'help.acme.local', 'a..b.com', 'x_y.example.org']) {
      expect(await refused({ customDomain })).toMatch(/^BAD_USER_INPUT/);
    }
    expect(await refused({ enabledLocales: ['en'], defaultLocale: 'es' })).toMatch(/default language must be enabled/);
    expect(await refused({ enabledLocales: ['fr'] })).toMatch(/^BAD_USER_INPUT/);
    expect(await refused({ colour: '#000000' })).toMatch(/^BAD_USER_INPUT/);
    expect(await codeOf(updateBranding(t.b.data, { id: 'x', role: 'agent' }, { displayName: 'X' }))).toMatch(/^FORBIDDEN/);
    expect(await readBranding(t.b.data)).toEqual(DEFAULT_BRANDING);
  });
});
