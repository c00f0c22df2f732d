export { METRICS_GROUPINGS, MAX_METRICS_PERIOD_DAYS, type MetricsGrouping, type MetricsPeriod } from './periods.js';
export { serviceMetrics, type ServiceMetrics, type ServiceMetricsRow } from './service-metrics.js';
export { caseSurveyInput, rateCase, surveyOf, surveysOf, type CaseSurvey } from './case-surveys.js';
