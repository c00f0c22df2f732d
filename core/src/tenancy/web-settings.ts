import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { TenantDb } from '../db/tenant-db.js';
import { webSettings } from '../db/tenant-schema.js';
import { parseInput } from '../lib/validate.js';
import type { Branding } from '../web/branding.js';
import { SUPPORTED_LOCALES, type Locale } from '../web/i18n/index.js';
import { assertWebAdmin, type WebActor } from './web-users.js';

/**
 * A tenant's branding and languages as set in the admin pages. Stored as one JSON value in the
 * tenant's `web_settings`; every field has a default, so a tenant that never saved any still
 * gets a complete, valid answer.
 */
export interface BrandingSettings {
  /** Shown in headers and titles; null: the tenant's name. */
  displayName: string | null;
  /** A small PNG, JPEG, GIF or WebP as a `data:` URL (the pages' CSP allows no other origin), or null. */
  logoDataUrl: string | null;
  /** Header and button backgrounds; both carry white text, so both pass WCAG AA against white. */
  primaryColor: `#${string}`;
  accentColor: `#${string}`;
  defaultLocale: Locale;
  enabledLocales: Locale[];
  /** A hostname the tenant will point at these pages (stored and validated; routing by it comes later). */
  customDomain: string | null;
}

export const DEFAULT_BRANDING: BrandingSettings = {
  displayName: null,
  logoDataUrl: null,
  primaryColor: '#1f3a5f',
  accentColor: '#1d5fb4',
  defaultLocale: 'en',
  enabledLocales: ['en', 'es'],
  customDomain: null,
};

const KEY = 'branding';
/** Text on buttons is normal-size text: WCAG 2 AA asks 4.5:1. */
export const MIN_CONTRAST_WITH_WHITE = 4.5;
/** The logo is inlined in every page's header as a data URL, so it stays small. */
const MAX_LOGO_BYTES = 64 * 1024;

/** WCAG 2 relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** The contrast ratio of white text on this background (1 to 21). */
export const contrastWithWhite = (hex: string): number => 1.05 / (luminance(hex) + 0.05);

const color = z.string().trim().toLowerCase().regex(/^#[0-9a-f]{6}$/, 'a colour is #rrggbb')
  .superRefine((c, ctx) => {
    const ratio = contrastWithWhite(c);
    if (ratio < MIN_CONTRAST_WITH_WHITE) {
      ctx.addIssue({ code: 'custom', message: `white text on ${c} has contrast ${ratio.toFixed(2)}:1; buttons need at least ${MIN_CONTRAST_WITH_WHITE}:1 (choose a darker colour)` });
    }
  }).transform((c) => c as `#${string}`);

/** The first bytes each allowed image type starts with: the declared type must be the real one. */
const IMAGE_MAGIC: Record<string, (b: Buffer) => boolean> = {
  png: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  jpeg: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  gif: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8',
  webp: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

/** Raster images only: an SVG could carry script. */
const logo = z.string().max(Math.ceil(MAX_LOGO_BYTES / 3) * 4 + 40).superRefine((url, ctx) => {
  const m = /^data:image\/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/]+={0,2})$/.exec(url);
  if (!m) return void ctx.addIssue({ code: 'custom', message: 'a logo is a data:image/(png|jpeg|gif|webp);base64,… URL' });
  const bytes = Buffer.from(m[2]!, 'base64');
  if (bytes.length > MAX_LOGO_BYTES) ctx.addIssue({ code: 'custom', message: `a logo is at most ${MAX_LOGO_BYTES / 1024} KiB` });
  else if (!IMAGE_MAGIC[m[1]!]!(bytes)) ctx.addIssue({ code: 'custom', message: `the data is not a ${m[1]} image` });
});

/** A public DNS name: two or more labels, letters/digits/hyphens, not an IP address nor a local name. */
const hostname = z.string().trim().toLowerCase().max(253).regex(
  /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/,
  'a custom domain is a hostname such as help.example.com',
).refine((h) => !/\.(localhost|local|internal|test|invalid|example)$/.test(h), 'a custom domain must be a public name');

const locale = z.enum(SUPPORTED_LOCALES);
const settingsFields = z.object({
  displayName: z.string().trim().min(1).max(100).nullable(),
  logoDataUrl: logo.nullable(),
  primaryColor: color,
  accentColor: color,
  defaultLocale: locale,
  enabledLocales: z.array(locale).min(1).max(SUPPORTED_LOCALES.length)
    .refine((l) => new Set(l).size === l.length, 'each language once'),
  customDomain: hostname.nullable(),
});
const settingsSchema = settingsFields
  .refine((s) => s.enabledLocales.includes(s.defaultLocale), { message: 'the default language must be enabled', path: ['defaultLocale'] });

/** The tenant's branding, defaults filled in. A stored value that no longer validates yields the defaults. */
export async function readBranding(data: TenantDb): Promise<BrandingSettings> {
  const [row] = await data.db.select().from(webSettings).where(eq(webSettings.key, KEY)).limit(1);
  if (!row) return { ...DEFAULT_BRANDING };
  const parsed = settingsSchema.safeParse({ ...DEFAULT_BRANDING, ...(row.value as object) });
  return parsed.success ? parsed.data : { ...DEFAULT_BRANDING };
}

/**
 * An admin changes some branding fields (the others keep their values); the whole result is
 * validated before it is stored, so a stored value is always complete and valid.
 */
export async function updateBranding(data: TenantDb, actor: WebActor, raw: unknown): Promise<BrandingSettings> {
  assertWebAdmin(actor);
  const change = parseInput(settingsFields.partial().strict(), raw);
  const next = parseInput(settingsSchema, { ...(await readBranding(data)), ...change });
  await data.write((tx) => tx.insert(webSettings).values({ key: KEY, value: next, updatedAt: new Date() })
    .onConflictDoUpdate({ target: webSettings.key, set: { value: next, updatedAt: new Date() } }));
  return next;
}

/**
 * The settings as the page layout's Branding: the display name falling back to the tenant's
 * name, the logo, both colours with white text on the primary.
 */
export function pageBranding(settings: BrandingSettings, tenantName: string): Branding {
  return {
    displayName: settings.displayName ?? tenantName,
    logoUrl: settings.logoDataUrl,
    colors: { primary: settings.primaryColor, onPrimary: '#ffffff', accent: settings.accentColor },
    defaultLocale: settings.defaultLocale,
    enabledLocales: settings.enabledLocales,
  };
}
