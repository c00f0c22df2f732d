import { Hono } from 'hono';
import {
  createSlaCalendar, deleteSlaCalendar, getSlaCalendar, listSlaCalendars, periodView, updateSlaCalendar, WEEKDAYS, type SlaCalendar, type Weekday,
} from '../../../domain/sla/index.js';
import type { Platform } from '../../../platform.js';
import { CheckboxField, CsrfField, fieldId, FormProblem, SelectField, TextField, type FieldErrors } from '../../form-fields.js';
import { renderPage } from '../../render.js';
import { staffTenantContext } from '../../session/index.js';
import type { StaffWebEnv } from '../../staff-sign-in.js';
import { useView } from '../../view.js';
import { adminPath, readForm, text, type AdminContext, type FormBody } from '../admin-context.js';
import { AdminPage, RowAction, TableScroll } from '../admin-page.js';
import { conflictOf, DoneNotice, doneOf, idParam, inputErrors, padRows, renameRows, rowsOf } from './forms.js';

/** Periods a weekday shows at least (two: a split shift), and at most (the use-case's limit for a week). */
const MIN_SLOTS = 2;
const MAX_SLOTS = 70;
/** Holidays one save may send (the use-case's limit per call). */
const MAX_HOLIDAY_ROWS = 50;
const BLANK_HOLIDAY_ROWS = 3;
const NOTES = ['created', 'saved', 'deleted'] as const;
const RULES = {
  name: 'operations.calendars.nameRule', timeZone: 'operations.calendars.timeZoneRule', periods: 'operations.calendars.periodsRule',
  'periods.*': 'operations.calendars.overlapRule', 'periods.*.start': 'operations.calendars.timeRule', 'periods.*.end': 'operations.calendars.endRule',
  'holidays.*.date': 'operations.calendars.dateRule', 'holidays.*.name': 'operations.calendars.holidayNameRule', holidays: 'operations.calendars.holidaysRule',
};

interface Slot { start: string; end: string }
interface HolidayRow { date: string; name: string; recurring: boolean }
interface CalendarValues { name: string; timeZone: string; periods: Record<Weekday, Slot[]>; holidays: HolidayRow[] }
interface CalendarState { values: CalendarValues; errors: FieldErrors; problem?: string | null }

/**
 * A time field cannot hold 24:00, so a period that runs to midnight ends at 00:00 on the form
 * and at 24:00 (the end of its day) for the use-case.
 */
const MIDNIGHT = '00:00';
const END_OF_DAY = '24:00';

/** Every IANA zone this runtime knows, UTC first. */
const TIME_ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];

const emptyWeek = (): Record<Weekday, Slot[]> => Object.fromEntries(WEEKDAYS.map((d) => [d, []])) as unknown as Record<Weekday, Slot[]>;

/** A new calendar's form: Monday to Friday 09:00–17:00 in UTC, to change. */
function blankCalendar(): CalendarValues {
  const periods = emptyWeek();
  for (const d of WEEKDAYS.slice(0, 5)) periods[d] = [{ start: '09:00', end: '17:00' }];
  return { name: '', timeZone: 'UTC', periods, holidays: [] };
}

/** The calendar's periods by weekday, earliest first (HH:MM, the end of a day as 24:00). */
function weekOf(calendar: SlaCalendar): Record<Weekday, Slot[]> {
  const periods = emptyWeek();
  for (const p of calendar.periods.map(periodView)) periods[p.weekday].push({ start: p.start, end: p.end });
  for (const d of WEEKDAYS) periods[d].sort((a, b) => a.start.localeCompare(b.start));
  return periods;
}

function valuesOf(calendar: SlaCalendar): CalendarValues {
  const week = weekOf(calendar);
  const periods = Object.fromEntries(WEEKDAYS.map((d) => [d, week[d].map((p) => ({ ...p, end: p.end === END_OF_DAY ? MIDNIGHT : p.end }))])) as Record<Weekday, Slot[]>;
  return { name: calendar.name, timeZone: calendar.timeZone, periods, holidays: calendar.holidays.map((h) => ({ date: h.date, name: h.name ?? '', recurring: h.recurring })) };
}

function CalendarsPage(props: { csrf: string; calendars: SlaCalendar[]; done?: string }) {
  const { t, tenant, format } = useView();
  const base = `/t/${tenant!.tenant.slug}/admin/calendars`;
  return (
    <AdminPage title={t('operations.calendars.title')} section="calendars" csrf={props.csrf}>
      <h1>{t('operations.calendars.title')}</h1>
      <DoneNotice done={props.done} notes={NOTES} prefix="operations.calendars.done" />
      <p class="lead">{t('operations.calendars.lead')}</p>
      <p><a class="button" href={`${base}/new`}>{t('operations.calendars.create')}</a></p>
      {props.calendars.length === 0 ? <p>{t('operations.calendars.none')}</p> : (
        <TableScroll label={t('operations.calendars.title')}>
          <table class="table--stack">
            <caption class="visually-hidden">{t('operations.calendars.title')}</caption>
            <thead><tr>
              <th scope="col">{t('operations.calendars.name')}</th><th scope="col">{t('operations.calendars.timeZone')}</th>
              <th scope="col">{t('operations.calendars.hours')}</th><th scope="col">{t('operations.calendars.holidays')}</th><th scope="col">{t('operations.actions')}</th>
            </tr></thead>
            <tbody>
              {props.calendars.map((cal) => {
                const week = weekOf(cal);
                return (
                  <tr>
                    <td class="cell--title">{cal.name}</td>
                    <td data-label={t('operations.calendars.timeZone')}>{cal.timeZone}</td>
                    <td data-label={t('operations.calendars.hours')}>
                      <ul class="plain-list">
                        {WEEKDAYS.filter((d) => week[d].length).map((d) => (
                          <li>{t(`operations.weekdaysShort.${d}`)} {week[d].map((p) => `${p.start}–${p.end}`).join(', ')}</li>
                        ))}
                      </ul>
                    </td>
                    <td data-label={t('operations.calendars.holidays')}>{format.number(cal.holidays.length)}</td>
                    <td><a href={`${base}/${cal.id}`}><RowAction text={t('operations.calendars.edit')} of={cal.name} /></a></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      )}
    </AdminPage>
  );
}

/** A labelled time of day; the visible word first, the weekday and period for screen readers. */
function TimeInput(props: { name: string; label: string; of: string; value: string; invalid: boolean; describedBy?: string }) {
  const id = fieldId(props.name);
  return (
    <span class="time-field">
      <label for={id}>{props.label}<span class="visually-hidden"> ({props.of})</span></label>
      <input id={id} name={props.name} type="time" value={props.value} aria-invalid={props.invalid ? 'true' : undefined} aria-describedby={props.describedBy} />
    </span>
  );
}

/** The weekly hours: per weekday its periods (several make a split shift), each from–to. */
function WeekFieldset(props: { periods: Record<Weekday, Slot[]>; errors: FieldErrors }) {
  const { t } = useView();
  const e = props.errors;
  return (
    <fieldset class={e.periods ? 'field field--invalid' : 'field'} aria-describedby={e.periods ? 'f-periods-error' : 'f-periods-hint'}>
      <legend>{t('operations.calendars.hours')}</legend>
      <p class="field__hint" id="f-periods-hint">{t('operations.calendars.hoursHint')}</p>
      {e.periods && <p class="field__error" id="f-periods-error">{e.periods}</p>}
      {WEEKDAYS.map((day) => {
        const slots = padRows(props.periods[day], (s) => !s.start && !s.end, () => ({ start: '', end: '' }), 1, MAX_SLOTS);
        while (slots.length < MIN_SLOTS) slots.push({ start: '', end: '' });
        const dayErrors = Object.entries(e).filter(([k]) => k.startsWith(`periods.${day}.`));
        const errorId = `f-periods-${day}-error`;
        return (
          <fieldset class="weekday" aria-describedby={dayErrors.length ? errorId : undefined}>
            <legend>{t(`operations.weekdays.${day}`)}</legend>
            <div class="weekday__slots">
              {slots.map((s, i) => {
                const of = t('operations.calendars.periodOf', { day: t(`operations.weekdays.${day}`), n: i + 1 });
                const bad = (f: string) => Boolean(e[`periods.${day}.${i}.${f}`] ?? e[`periods.${day}.${i}`]);
                return (
                  <span class="slot">
                    <TimeInput name={`periods.${day}.${i}.start`} label={t('operations.calendars.from')} of={of} value={s.start} invalid={bad('start')} describedBy={bad('start') ? errorId : undefined} />
                    <TimeInput name={`periods.${day}.${i}.end`} label={t('operations.calendars.to')} of={of} value={s.end} invalid={bad('end')} describedBy={bad('end') ? errorId : undefined} />
                  </span>
                );
              })}
            </div>
            {dayErrors.length > 0 && <p class="field__error" id={errorId}>{[...new Set(dayErrors.map(([, m]) => m))].join(' ')}</p>}
          </fieldset>
        );
      })}
    </fieldset>
  );
}

function CalendarPage(props: { csrf: string; calendar: SlaCalendar | null; form: CalendarState; done?: string }) {
  const { t, tenant } = useView();
  const base = `/t/${tenant!.tenant.slug}/admin/calendars`;
  const { values: v, errors: e } = props.form;
  const heading = props.calendar ? t('operations.calendars.editTitle', { name: props.calendar.name }) : t('operations.calendars.create');
  // More holidays than one save may send (added through the API) are shown, not offered for editing, and kept.
  const editable = v.holidays.length <= MAX_HOLIDAY_ROWS;
  const holidays = editable ? padRows(v.holidays, (h) => !h.date && !h.name, () => ({ date: '', name: '', recurring: false }), BLANK_HOLIDAY_ROWS, MAX_HOLIDAY_ROWS) : [];
  return (
    <AdminPage title={heading} section="calendars" csrf={props.csrf}>
      <p class="breadcrumb"><a href={base}>{t('operations.nav.calendars')}</a></p>
      <h1>{heading}</h1>
      <DoneNotice done={props.done} notes={NOTES} prefix="operations.calendars.done" />
      <form method="post" action={props.calendar ? `${base}/${props.calendar.id}` : `${base}/new`} class="stacked-form card" novalidate>
        <CsrfField token={props.csrf} />
        <FormProblem message={props.form.problem} />
        <TextField name="name" label={t('operations.calendars.name')} value={v.name} error={e.name} required maxlength={100} autocomplete="off" />
        <SelectField name="timeZone" label={t('operations.calendars.timeZone')} value={v.timeZone} error={e.timeZone}
          options={(TIME_ZONES.includes(v.timeZone) ? TIME_ZONES : [v.timeZone, ...TIME_ZONES]).map((z) => ({ value: z, label: z }))} />
        <WeekFieldset periods={v.periods} errors={e} />
        <fieldset class={e.holidays ? 'field field--invalid' : 'field'} aria-describedby={e.holidays ? 'f-holidays-error' : 'f-holidays-hint'}>
          <legend>{t('operations.calendars.holidays')}</legend>
          <p class="field__hint" id="f-holidays-hint">{t('operations.calendars.holidaysHint')}</p>
          {e.holidays && <p class="field__error" id="f-holidays-error">{e.holidays}</p>}
          {!editable && (
            <>
              <p>{t('operations.calendars.tooManyHolidays', { count: v.holidays.length })}</p>
              <ul class="plain-list">{v.holidays.map((h) => <li>{h.date}{h.name && ` · ${h.name}`}</li>)}</ul>
            </>
          )}
          {holidays.map((h, i) => (
            <div class="holiday-row">
              <TextField name={`holidays.${i}.date`} type="date" label={t('operations.calendars.dateN', { n: i + 1 })} value={h.date} error={e[`holidays.${i}.date`]} />
              <TextField name={`holidays.${i}.name`} label={t('operations.calendars.holidayNameN', { n: i + 1 })} value={h.name} error={e[`holidays.${i}.name`]} maxlength={100} autocomplete="off" />
              <CheckboxField name={`holidays.${i}.recurring`} label={t('operations.calendars.recurringN', { n: i + 1 })} checked={h.recurring} />
            </div>
          ))}
        </fieldset>
        <button type="submit">{t(props.calendar ? 'operations.calendars.save' : 'operations.calendars.createSubmit')}</button>
      </form>
      {props.calendar && (
        <form method="post" action={`${base}/${props.calendar.id}/delete`} class="actions">
          <CsrfField token={props.csrf} />
          <button type="submit" class="button--danger">{t('operations.calendars.delete')}</button>
        </form>
      )}
    </AdminPage>
  );
}

/** The form as typed, and the use-case input made of it (blank periods and holidays left out). */
function readCalendar(body: FormBody) {
  const periods = emptyWeek();
  const input: { weekday: Weekday; start: string; end: string }[] = [];
  /** The form key of each period the input carries, in its order. */
  const keys: string[] = [];
  for (const day of WEEKDAYS) {
    periods[day] = rowsOf(body, `periods.${day}`, ['start', 'end'] as const, MAX_SLOTS).map(({ start, end }) => ({ start, end }));
    periods[day].forEach((s, i) => {
      if (!s.start && !s.end) return;
      input.push({ weekday: day, start: s.start, end: s.end === MIDNIGHT ? END_OF_DAY : s.end });
      keys.push(`periods.${day}.${i}`);
    });
  }
  const rows = rowsOf(body, 'holidays', ['date', 'name', 'recurring'] as const, MAX_HOLIDAY_ROWS);
  const kept = rows.filter((h) => h.date.trim() || h.name.trim());
  const values: CalendarValues = {
    name: text(body, 'name'), timeZone: text(body, 'timeZone'), periods,
    holidays: rows.map((h) => ({ date: h.date, name: h.name, recurring: h.recurring === 'on' })),
  };
  const renameHolidays = renameRows('holidays', kept.map((h) => h.row));
  const rename = (path: string) => {
    const m = /^periods\.(\d+)(.*)$/.exec(path);
    return m && keys[Number(m[1])] ? `${keys[Number(m[1])]}${m[2]}` : renameHolidays(path);
  };
  return {
    values, rename,
    input: {
      name: values.name, timeZone: values.timeZone, periods: input,
      // A form without holiday rows (a calendar with too many to edit here) keeps the ones stored.
      holidays: rows.length ? kept.map((h) => ({ date: h.date.trim(), name: h.name.trim() || null, recurring: h.recurring === 'on' })) : undefined,
    },
  };
}

/**
 * Business-hours calendars of the SLA policies: list; create and edit a calendar's time zone,
 * weekly periods (several a day for split shifts) and holidays; delete one nothing uses.
 */
export function calendarRoutes(_platform: Platform): Hono<StaffWebEnv> {
  const routes = new Hono<StaffWebEnv>();
  const page = (c: AdminContext, calendar: SlaCalendar | null, form: CalendarState, status: 200 | 422 = 200) =>
    renderPage(c, c.get('view'), <CalendarPage csrf={c.var.csrfToken} calendar={calendar} form={form} done={doneOf(c)} />, status);
  /** Saves through `save`; bad input or a taken name shows the form again with what was typed, 422. */
  const submit = async (c: AdminContext, calendar: SlaCalendar | null, save: (input: unknown) => Promise<unknown>) => {
    const { values, input, rename } = readCalendar(await readForm(c));
    // Shown again after an error, holidays the form could not offer are still the stored ones.
    if (calendar && input.holidays === undefined) values.holidays = valuesOf(calendar).holidays;
    const { t } = c.get('view');
    try {
      await save(input);
      return c.redirect(`${adminPath(c, '/calendars')}?done=${calendar ? 'saved' : 'created'}`, 303);
    } catch (err) {
      if (conflictOf(err)) return page(c, calendar, { values, errors: { name: t('operations.calendars.nameTaken') } }, 422);
      const errors = inputErrors(err, t, RULES, rename);
      if (!errors) throw err;
      return page(c, calendar, { values, errors, problem: errors._form }, 422);
    }
  };

  routes.get('/', async (c) => renderPage(c, c.get('view'), <CalendarsPage csrf={c.var.csrfToken} calendars={await listSlaCalendars(staffTenantContext(c))} done={doneOf(c)} />));
  routes.get('/new', (c) => page(c, null, { values: blankCalendar(), errors: {} }));
  routes.post('/new', (c) => submit(c, null, (input) => createSlaCalendar(staffTenantContext(c), input)));
  routes.get('/:calendarId', async (c) => {
    const calendar = await getSlaCalendar(staffTenantContext(c), idParam(c, 'calendarId'));
    return page(c, calendar, { values: valuesOf(calendar), errors: {} });
  });
  routes.post('/:calendarId', async (c) => {
    const ctx = staffTenantContext(c);
    const calendar = await getSlaCalendar(ctx, idParam(c, 'calendarId'));
    return submit(c, calendar, (input) => updateSlaCalendar(ctx, calendar.id, input));
  });
  routes.post('/:calendarId/delete', async (c) => {
    const ctx = staffTenantContext(c);
    const calendar = await getSlaCalendar(ctx, idParam(c, 'calendarId'));
    try {
      await deleteSlaCalendar(ctx, calendar.id);
      return c.redirect(`${adminPath(c, '/calendars')}?done=deleted`, 303);
    } catch (err) {
      if (!conflictOf(err)) throw err;
      return page(c, calendar, { values: valuesOf(calendar), errors: {}, problem: c.get('view').t('operations.calendars.inUse') }, 422);
    }
  });
  return routes;
}
