/**
 * Service levels: business-hours calendars, ordered policies with targets and escalation rules,
 * each case's clocks (first response, next response, resolution) and the sweep that announces
 * "breaching soon" and "breached".
 */
export { addBusinessTime, businessMinutesBetween, isIanaZone, type BusinessCalendar, type ClosedDay, type OpeningPeriod } from './business-hours.js';
export {
  addSlaHolidays, createSlaCalendar, deleteSlaCalendar, getSlaCalendar, listSlaCalendars, periodView, updateSlaCalendar,
  addSlaHolidaysInput, createSlaCalendarInput, updateSlaCalendarInput, WEEKDAYS, MAX_HOLIDAYS_PER_CALL, type SlaCalendar, type Weekday,
} from './calendars.js';
export {
  createSlaPolicy, deleteSlaPolicy, getSlaPolicy, listSlaPolicies, policySelects, updateSlaPolicy,
  createSlaPolicyInput, updateSlaPolicyInput, type CaseFacts, type SlaPolicy,
} from './policies.js';
export { applySlaPolicy, caseSlaTargetsOf, slaOnCaseCreated, slaOnCaseUpdated, slaOnInteraction, type CaseSlaTarget } from './targets.js';
export { slaTick, SLA_ACTOR, type EscalationDetail, type SlaTickResult } from './sweep.js';
export { listSlaEscalations, type SlaEscalation } from './escalations.js';
export { startSlaSweeps, type SlaSweepOptions, type SlaSweeps } from './scheduler.js';
export { seedDemoSla, DEMO_SLA_POLICY } from './demo.js';
export { slaOutcomes, slaTargetsDue, MAX_DUE_TARGETS, type SlaOutcome } from './reports.js';
