import { and, eq, gte, lt, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { knowledgeArticles } from '../../db/tenant-schema.js';

/** The longest language tag accepted (BCP 47 allows long private-use tags; no real one needs more). */
const MAX_TAG = 35;

/**
 * A BCP 47 language tag (en, en-GB, pt-BR, zh-Hant-TW, es-419), checked by the runtime's own
 * parser and stored in its canonical case (EN-gb becomes en-GB), so equal tags compare equal.
 */
const TAG_RULE = 'a locale such as en or en-GB (a BCP 47 language tag)';
export const languageTag = z.string().trim().min(2).max(MAX_TAG)
  // A two- or three-letter language (ISO 639), then subtags: region, script, variants.
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, TAG_RULE)
  .transform((tag, ctx) => {
    try {
      return Intl.getCanonicalLocales(tag)[0]!;
    } catch {
      ctx.addIssue({ code: 'custom', message: TAG_RULE });
      return z.NEVER;
    }
  });

/** The primary language of a tag: `es` of `es-MX`. */
export const primaryLanguage = (tag: string): string => tag.split('-')[0]!.toLowerCase();

/**
 * Articles written in `language` or one of its regional forms: `es` matches es, es-MX, es-419.
 * One index range: tags are letters, digits and "-", and "es-…" sorts between "es" and "es."
 * ("-" comes before "."), while "est" or "es0" sort after it.
 */
export function inLanguage(language: string): SQL {
  const primary = primaryLanguage(language);
  return and(gte(knowledgeArticles.locale, primary), lt(knowledgeArticles.locale, `${primary}.`))!;
}

/** The articles tagged with exactly the primary language (`es`), and those with a region or script (`es-MX`). */
export function languageParts(language: string): [SQL, SQL] {
  const primary = primaryLanguage(language);
  return [eq(knowledgeArticles.locale, primary), and(gte(knowledgeArticles.locale, `${primary}-`), lt(knowledgeArticles.locale, `${primary}.`))!];
}
