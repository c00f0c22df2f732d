import type { PluginManifest } from '@mosaic/sdk/schema';
import { AppError } from '../../lib/errors.js';
import { text, type FormBody } from './admin-context.js';

/** The secrets a form filled in (`secrets.NAME`), blanks left out: a secret is never sent back, so blank means "leave as is". */
export function secretsFromForm(manifest: PluginManifest, body: FormBody): Record<string, string> {
  return Object.fromEntries(manifest.secrets.map((s) => [s.name, text(body, `secrets.${s.name}`)]).filter(([, v]) => v !== ''));
}

/** Installer refusals shown as the form's own message rather than beside a field. */
export function problemOf(err: unknown, t: (key: string, o?: Record<string, unknown>) => string): string | null {
  if (!(err instanceof AppError)) return null;
  if (err.code === 'CONSENT_REQUIRED') return t('admin.install.consentChanged');
  if (err.code === 'CONFLICT' || err.code === 'PLUGIN_INPUT_INVALID' || err.code === 'PLUGIN_TAMPERED') return t('admin.install.refused', { reason: err.message });
  return null;
}
