import { Hono } from 'hono';
import { raw } from 'hono/html';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { METRICS_GROUPINGS, serviceMetrics, type MetricsGrouping, type ServiceMetrics, type ServiceMetricsRow } from '../../domain/metrics/index.js';
import { AppError } from '../../lib/errors.js';
import type { Platform } from '../../platform.js';
import { barChartSvg } from '../charts/bar-chart.js';
import { fieldErrorsOf, FormProblem, SelectField, TextField, type FieldErrors } from '../form-fields.js';
import { renderPage } from '../render.js';
import { staffTenantContext } from '../session/index.js';
import type { StaffWebEnv } from '../staff-sign-in.js';
import { useView } from '../view.js';
import { AdminPage, TableScroll } from './admin-page.js';

/** The periods the page offers, in days ending today (local). */
const RANGES = ['7', '30', '90', '365'] as const;
const GROUPINGS = METRICS_GROUPINGS.filter((g) => g !== 'TOTAL');
const COLOURS = { created: '#1d4ed8', solved: '#15803d', response: '#b45309' };

const filterInput = z.object({
  range: z.enum(RANGES).default('30'),
  groupBy: z.enum(GROUPINGS as [MetricsGrouping, ...MetricsGrouping[]]).default('DAY'),
  tz: z.string().trim().max(64).default('UTC'),
});
type Filter = z.output<typeof filterInput>;

/** [from, to): the last `range` local days, today included. */
function periodOf(filter: Filter, now: Date) {
  const end = DateTime.fromJSDate(now, { zone: filter.tz }).startOf('day').plus({ days: 1 });
  if (!end.isValid) return null;
  return { from: end.minus({ days: Number(filter.range) }).toJSDate(), to: end.toJSDate(), groupBy: filter.groupBy, timeZone: filter.tz };
}

interface PageProps { csrf: string; filter: Filter; metrics: ServiceMetrics | null; errors: FieldErrors }

function MetricsPage(props: PageProps) {
  const { t, format } = useView();
  const { filter, metrics } = props;
  const minutes = (v: number | null) => (v === null ? '—' : t('admin.metrics.minutes', { value: format.number(Math.round(v)) }));
  const share = (v: number | null) => (v === null ? '—' : `${format.number(Math.round(v * 1000) / 10)} %`);
  const rating = (v: number | null) => (v === null ? '—' : format.number(Math.round(v * 10) / 10));
  const rows = metrics?.rows ?? [];
  const labelOf = (r: ServiceMetricsRow) => (filter.groupBy === 'CHANNEL' ? t(`admin.metrics.channels.${r.key}`, { defaultValue: r.key }) : r.key === '' ? t(`admin.metrics.none.${filter.groupBy}`) : r.label);
  const categories = rows.map(labelOf);
  return (
    <AdminPage title={t('admin.metrics.title')} section="metrics" csrf={props.csrf}>
      <h1>{t('admin.metrics.title')}</h1>
      <form method="get" class="card metrics-filter" aria-labelledby="metrics-filter-heading">
        <h2 id="metrics-filter-heading" class="visually-hidden">{t('admin.metrics.filter')}</h2>
        <FormProblem message={props.errors._form} />
        <SelectField name="range" label={t('admin.metrics.range')} value={filter.range}
          options={RANGES.map((r) => ({ value: r, label: t('admin.metrics.lastDays', { count: Number(r) }) }))} />
        <SelectField name="groupBy" label={t('admin.metrics.groupBy')} value={filter.groupBy}
          options={GROUPINGS.map((g) => ({ value: g, label: t(`admin.metrics.groupings.${g}`) }))} />
        <TextField name="tz" label={t('admin.metrics.timeZone')} hint={t('admin.metrics.timeZoneHint')} value={filter.tz} error={props.errors.tz ?? props.errors.timeZone} maxlength={64} />
        <button type="submit">{t('admin.metrics.show')}</button>
      </form>
      {metrics && (
        <>
          <ul class="metrics-totals" aria-label={t('admin.metrics.totals')}>
            <li class="card"><span class="metric-label">{t('admin.metrics.created')}</span><span class="metric-value">{format.number(metrics.totals.casesCreated)}</span></li>
            <li class="card"><span class="metric-label">{t('admin.metrics.solved')}</span><span class="metric-value">{format.number(metrics.totals.casesSolved)}</span></li>
            <li class="card"><span class="metric-label">{t('admin.metrics.backlog')}</span><span class="metric-value">{format.number(metrics.totals.backlog)}</span></li>
            <li class="card"><span class="metric-label">{t('admin.metrics.firstResponse')}</span><span class="metric-value">{minutes(metrics.totals.firstResponseMedianMinutes)}</span></li>
            <li class="card"><span class="metric-label">{t('admin.metrics.resolution')}</span><span class="metric-value">{minutes(metrics.totals.resolutionMedianMinutes)}</span></li>
            <li class="card"><span class="metric-label">{t('admin.metrics.slaHitRate')}</span><span class="metric-value">{share(metrics.totals.slaHitRate)}</span></li>
            <li class="card"><span class="metric-label">{t('admin.metrics.csat')}</span><span class="metric-value">{rating(metrics.totals.csatAverage)}</span></li>
            <li class="card"><span class="metric-label">{t('admin.metrics.deflection')}</span><span class="metric-value">{share(metrics.deflection.rate)}</span></li>
          </ul>
          <figure class="card chart-card">
            <figcaption>{t('admin.metrics.casesChart')}</figcaption>
            <div class="chart-frame">{raw(barChartSvg({
              title: t('admin.metrics.casesChart'), categories, formatValue: (v) => format.number(v),
              series: [
                { name: t('admin.metrics.created'), values: rows.map((r) => r.casesCreated), colour: COLOURS.created },
                { name: t('admin.metrics.solved'), values: rows.map((r) => r.casesSolved), colour: COLOURS.solved },
              ],
            }))}</div>
          </figure>
          <figure class="card chart-card">
            <figcaption>{t('admin.metrics.responseChart')}</figcaption>
            <div class="chart-frame">{raw(barChartSvg({
              title: t('admin.metrics.responseChart'), categories, formatValue: (v) => minutes(v), formatAxis: (v) => format.number(v),
              series: [{ name: t('admin.metrics.firstResponse'), values: rows.map((r) => r.firstResponseMedianMinutes), colour: COLOURS.response }],
            }))}</div>
          </figure>
          <TableScroll label={t('admin.metrics.table')}>
            <table class="table--stack metrics-table">
              <caption>{t('admin.metrics.table')}</caption>
              <thead><tr>
                <th scope="col">{t(`admin.metrics.groupings.${filter.groupBy}`)}</th>
                <th scope="col">{t('admin.metrics.created')}</th><th scope="col">{t('admin.metrics.solved')}</th>
                <th scope="col">{t('admin.metrics.backlog')}</th><th scope="col">{t('admin.metrics.firstResponse')}</th>
                <th scope="col">{t('admin.metrics.resolution')}</th><th scope="col">{t('admin.metrics.slaHitRate')}</th>
                <th scope="col">{t('admin.metrics.inbound')}</th><th scope="col">{t('admin.metrics.csat')}</th>
              </tr></thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr>
                    <th scope="row" class="cell--title">{categories[i]}</th>
                    <td data-label={t('admin.metrics.created')}>{format.number(r.casesCreated)}</td>
                    <td data-label={t('admin.metrics.solved')}>{format.number(r.casesSolved)}</td>
                    <td data-label={t('admin.metrics.backlog')}>{format.number(r.backlog)}</td>
                    <td data-label={t('admin.metrics.firstResponse')}>{minutes(r.firstResponseMedianMinutes)}</td>
                    <td data-label={t('admin.metrics.resolution')}>{minutes(r.resolutionMedianMinutes)}</td>
                    <td data-label={t('admin.metrics.slaHitRate')}>{share(r.slaHitRate)}</td>
                    <td data-label={t('admin.metrics.inbound')}>{format.number(r.inboundInteractions)}</td>
                    <td data-label={t('admin.metrics.csat')}>{rating(r.csatAverage)}{r.csatResponses ? ` (${format.number(r.csatResponses)})` : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </AdminPage>
  );
}

/**
 * The managers' dashboard: the same `serviceMetrics` the API answers, for the last 7 to 365 local
 * days, as figures, server-drawn SVG charts and a table. A filter that cannot be read (an unknown
 * time zone, a value no select offers) shows the form with its error, with 422.
 */
export function metricsRoutes(_platform: Platform, now: () => Date = () => new Date()): Hono<StaffWebEnv> {
  const routes = new Hono<StaffWebEnv>();
  routes.get('/', async (c) => {
    const parsed = filterInput.safeParse({ range: c.req.query('range') || undefined, groupBy: c.req.query('groupBy') || undefined, tz: c.req.query('tz') || undefined });
    const fallback: Filter = { range: '30', groupBy: 'DAY', tz: 'UTC' };
    const show = (filter: Filter, metrics: ServiceMetrics | null, errors: FieldErrors, status: 200 | 422 = 200) =>
      renderPage(c, c.get('view'), <MetricsPage csrf={c.var.csrfToken} filter={filter} metrics={metrics} errors={errors} />, status);
    if (!parsed.success) return show(fallback, null, { _form: c.get('view').t('admin.metrics.badFilter') }, 422);
    const period = periodOf(parsed.data, now());
    if (!period) return show(parsed.data, null, { tz: c.get('view').t('admin.metrics.badTimeZone') }, 422);
    try {
      return show(parsed.data, await serviceMetrics(staffTenantContext(c), period), {});
    } catch (err) {
      if (err instanceof AppError && err.code === 'BAD_USER_INPUT') return show(parsed.data, null, fieldErrorsOf(err) ?? {}, 422);
      throw err;
    }
  });
  return routes;
}
