import { CheckboxField, CheckboxGroup, SelectField, TextAreaField, TextField, type FieldErrors } from '../form-fields.js';
import { useView } from '../view.js';
import { texts, type FormBody } from './admin-context.js';

/** The part of a JSON Schema property the form understands. */
interface PropertySchema {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  format?: string;
  items?: PropertySchema;
}

type Kind = 'string' | 'enum' | 'number' | 'integer' | 'boolean' | 'strings' | 'stringChoices' | 'json';

const typeOf = (p: PropertySchema) => (Array.isArray(p.type) ? p.type.find((x) => x !== 'null') : p.type);

/** How a property is asked for; anything the form has no control for is edited as JSON. */
function kindOf(p: PropertySchema): Kind {
  const type = typeOf(p);
  if (p.enum && p.enum.every((v) => typeof v === 'string')) return 'enum';
  if (type === 'string') return 'string';
  if (type === 'number' || type === 'integer' || type === 'boolean') return type;
  if (type === 'array' && p.items && typeOf(p.items) === 'string') return p.items.enum?.every((v) => typeof v === 'string') ? 'stringChoices' : 'strings';
  return 'json';
}

const propertiesOf = (schema: Record<string, unknown>) => Object.entries((schema.properties ?? {}) as Record<string, PropertySchema>);

/** Whether a config schema has any field to show. */
export const hasConfigFields = (schema: Record<string, unknown>) => propertiesOf(schema).length > 0;
const requiredOf = (schema: Record<string, unknown>) => new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);

/** The form field of a config property: `config.<name>`, so validation issues land beside it. */
const fieldName = (name: string) => `config.${name}`;

/**
 * The submitted form as a config object for the installer's validator: numbers that read as
 * numbers become numbers (anything else is passed on, so the validator names the problem beside
 * the field), unticked booleans false, empty optional fields left out (the schema's default applies).
 */
export function configFromForm(schema: Record<string, unknown>, body: FormBody): Record<string, unknown> {
  const required = requiredOf(schema);
  const config: Record<string, unknown> = {};
  for (const [name, p] of propertiesOf(schema)) {
    const kind = kindOf(p);
    const raw = texts(body, fieldName(name));
    const value = raw[0] ?? '';
    if (kind === 'boolean') config[name] = value === 'on';
    else if (kind === 'stringChoices') config[name] = raw;
    else if (kind === 'strings') config[name] = value.split('\n').map((s) => s.trim()).filter(Boolean);
    else if (value.trim() === '' && !required.has(name)) continue;
    else if (kind === 'number' || kind === 'integer') config[name] = /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(value.trim()) ? Number(value) : value;
    else if (kind === 'json') config[name] = parseJsonOr(value);
    else config[name] = value;
  }
  return config;
}

function parseJsonOr(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** What a field shows: what was typed (after a refusal), else the stored config, else the default. */
function shown(name: string, p: PropertySchema, values: Record<string, unknown>): unknown {
  return name in values ? values[name] : p.default;
}

/**
 * The fields of a plugin's config, generated from its JSON Schema: text, number and integer
 * inputs, checkboxes for booleans, a select for an enum, checkboxes or one-per-line text for
 * arrays of strings, and JSON text for anything else; each with its title, description and error.
 */
export function ConfigFields(props: { schema: Record<string, unknown>; values: Record<string, unknown>; errors: FieldErrors }) {
  const { t } = useView();
  const properties = propertiesOf(props.schema);
  const required = requiredOf(props.schema);
  if (properties.length === 0) return <p class="muted">{t('admin.config.none')}</p>;
  return (
    <>
      {properties.map(([name, p]) => {
        const frame = {
          name: fieldName(name),
          label: `${p.title ?? name}${required.has(name) ? '' : ` ${t('admin.config.optional')}`}`,
          hint: p.description,
          error: props.errors[fieldName(name)] ?? Object.entries(props.errors).find(([k]) => k.startsWith(`${fieldName(name)}.`))?.[1],
        };
        const value = shown(name, p, props.values);
        switch (kindOf(p)) {
          case 'boolean':
            return <CheckboxField {...frame} checked={value === true} />;
          case 'enum':
            return <SelectField {...frame} value={typeof value === 'string' ? value : ''}
              options={[...(required.has(name) ? [] : [{ value: '', label: t('admin.config.unset') }]), ...(p.enum as string[]).map((v) => ({ value: v, label: v }))]} />;
          case 'stringChoices':
            return <CheckboxGroup {...frame} options={(p.items!.enum as string[]).map((v) => ({ value: v, label: v }))}
              checked={Array.isArray(value) ? value.map(String) : []} />;
          case 'strings':
            return <TextAreaField {...frame} hint={[p.description, t('admin.config.onePerLine')].filter(Boolean).join(' ')}
              value={Array.isArray(value) ? value.join('\n') : typeof value === 'string' ? value : ''} />;
          case 'number':
          case 'integer':
            return <TextField {...frame} type="number" step={kindOf(p) === 'integer' ? '1' : 'any'} min={p.minimum} max={p.maximum} required={required.has(name)}
              value={typeof value === 'number' || typeof value === 'string' ? value : ''} />;
          case 'json':
            return <TextAreaField {...frame} hint={[p.description, t('admin.config.json')].filter(Boolean).join(' ')}
              value={value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value, null, 2)} />;
          default:
            return <TextField {...frame} type={p.format === 'email' ? 'email' : p.format === 'uri' ? 'url' : 'text'} required={required.has(name)} maxlength={p.maxLength}
              value={typeof value === 'string' ? value : value == null ? '' : String(value)} />;
        }
      })}
    </>
  );
}
