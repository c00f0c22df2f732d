import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessMinutesBetween, isIanaZone, type BusinessCalendar, type OpeningPeriod } from './business-hours.js';

const hm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
const weekdays = (start: string, end: string, days = [1, 2, 3, 4, 5]): OpeningPeriod[] =>
  days.map((weekday) => ({ weekday, startMinute: hm(start), endMinute: hm(end) }));
const cal = (timeZone: string, periods: OpeningPeriod[], holidays: BusinessCalendar['holidays'] = []): BusinessCalendar =>
  ({ timeZone, periods, holidays });
/** An instant given as local wall-clock time in `zone`. */
const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toJSDate();
const iso = (d: Date) => d.toISOString();

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const officeNY = cal(NY, weekdays('09:00', '17:00'));

describe('addBusinessTime', () => {
  it('counts only open time within a day and carries the rest over the weekend', () => {
    // Friday 2026-01-09 16:00 EST + 2 h → 1 h on Friday, 1 h on Monday: Monday 10:00 EST.
    expect(iso(addBusinessTime(officeNY, local('2026-01-09T16:00', NY), 120))).toBe('2026-01-12T15:00:00.000Z');
    // Starting on Saturday, the clock starts on Monday at opening.
    expect(iso(addBusinessTime(officeNY, local('2026-01-10T11:00', NY), 30))).toBe('2026-01-12T14:30:00.000Z');
    // Before opening on a weekday: from 09:00 that day.
    expect(iso(addBusinessTime(officeNY, local('2026-01-12T06:00', NY), 8 * 60))).toBe('2026-01-12T22:00:00.000Z');
    // Exactly a full day of work ends at closing, not at the next opening.
    expect(iso(addBusinessTime(officeNY, local('2026-01-12T09:00', NY), 8 * 60))).toBe(iso(local('2026-01-12T17:00', NY)));
  });

  it('skips holidays, one-off and recurring every year', () => {
    const withHolidays = cal(NY, weekdays('09:00', '17:00'), [
      { date: '2026-01-12', recurring: false },
      { date: '2000-12-25', recurring: true },
    ]);
    // Friday 16:00 + 2 h: Monday the 12th is closed, so Tuesday 10:00.
    expect(iso(addBusinessTime(withHolidays, local('2026-01-09T16:00', NY), 120))).toBe(iso(local('2026-01-13T10:00', NY)));
    // Christmas 2026 is a Friday: Thursday 16:30 + 1 h → Monday 28th 09:30.
    expect(iso(addBusinessTime(withHolidays, local('2026-12-24T16:30', NY), 60))).toBe(iso(local('2026-12-28T09:30', NY)));
    // The one-off holiday is gone the next year (2027-01-12 is a Tuesday).
    expect(iso(addBusinessTime(withHolidays, local('2027-01-12T09:00', NY), 60))).toBe(iso(local('2027-01-12T10:00', NY)));
  });

  it('keeps local opening hours across the March DST change in New York', () => {
    // Friday 2026-03-06 16:00 EST (21:00Z) + 2 h → Monday 03-09 10:00 EDT (14:00Z): offsets differ.
    expect(iso(addBusinessTime(officeNY, local('2026-03-06T16:00', NY), 120))).toBe('2026-03-09T14:00:00.000Z');
    // A night shift on the Sunday the clocks jump (02:00 → 03:00) holds only five real hours.
    const night = cal(NY, [{ weekday: 7, startMinute: 0, endMinute: hm('06:00') }]);
    expect(businessMinutesBetween(night, local('2026-03-08T00:00', NY), local('2026-03-08T12:00', NY))).toBe(300);
    expect(iso(addBusinessTime(night, local('2026-03-08T00:00', NY), 300))).toBe(iso(local('2026-03-08T06:00', NY)));
    // A period starting in the skipped hour moves forward by the jump (02:30 → 03:30 EDT, 07:30Z),
    // so 02:30–04:00 holds only 30 minutes that night.
    const skipped = cal(NY, [{ weekday: 7, startMinute: hm('02:30'), endMinute: hm('04:00') }]);
    expect(iso(addBusinessTime(skipped, local('2026-03-08T00:00', NY), 30))).toBe('2026-03-08T08:00:00.000Z');
    expect(businessMinutesBetween(skipped, local('2026-03-08T00:00', NY), local('2026-03-08T12:00', NY))).toBe(30);
  });

  it('keeps local opening hours across the November DST change in New York', () => {
    // Friday 2026-10-30 16:00 EDT (20:00Z) + 2 h → Monday 11-02 10:00 EST (15:00Z).
    expect(iso(addBusinessTime(officeNY, local('2026-10-30T16:00', NY), 120))).toBe('2026-11-02T15:00:00.000Z');
    // The night the clocks go back (02:00 → 01:00), 00:00–04:00 holds five hours of work.
    const night = cal(NY, [{ weekday: 7, startMinute: 0, endMinute: hm('04:00') }]);
    expect(businessMinutesBetween(night, local('2026-11-01T00:00', NY), local('2026-11-01T12:00', NY))).toBe(300);
    expect(iso(addBusinessTime(night, local('2026-11-01T00:00', NY), 270))).toBe('2026-11-01T08:30:00.000Z');
  });

  it('counts real time across both Berlin DST changes on a round-the-clock calendar', () => {
    const always = cal(BERLIN, [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440 })));
    // 2026-03-29 has 23 hours in Berlin, 2026-10-25 has 25.
    expect(businessMinutesBetween(always, local('2026-03-29T00:00', BERLIN), local('2026-03-30T00:00', BERLIN))).toBe(23 * 60);
    expect(businessMinutesBetween(always, local('2026-10-25T00:00', BERLIN), local('2026-10-26T00:00', BERLIN))).toBe(25 * 60);
    // A day of target time is 24 real hours whatever the clocks do.
    const start = local('2026-03-28T12:00', BERLIN);
    expect(addBusinessTime(always, start, 24 * 60).getTime() - start.getTime()).toBe(24 * 3_600_000);
    // Weekday office in Berlin: Friday 2026-10-23 16:00 CEST (14:00Z) + 2 h → Monday 10:00 CET (09:00Z).
    const office = cal(BERLIN, weekdays('09:00', '17:00'));
    expect(iso(addBusinessTime(office, local('2026-10-23T16:00', BERLIN), 120))).toBe('2026-10-26T09:00:00.000Z');
    expect(iso(addBusinessTime(office, local('2026-03-27T16:00', BERLIN), 120))).toBe('2026-03-30T08:00:00.000Z');
  });

  it('reads the same periods in each calendar’s own time zone', () => {
    const start = new Date('2026-06-01T00:00:00Z'); // a Monday: 09:00 in Tokyo, still Sunday in Los Angeles
    const tokyo = addBusinessTime(cal('Asia/Tokyo', weekdays('09:00', '17:00')), start, 60);
    const la = addBusinessTime(cal('America/Los_Angeles', weekdays('09:00', '17:00')), start, 60);
    expect(iso(tokyo)).toBe('2026-06-01T01:00:00.000Z');
    expect(iso(la)).toBe('2026-06-01T17:00:00.000Z');
    // Kolkata's half-hour offset.
    expect(iso(addBusinessTime(cal('Asia/Kolkata', weekdays('09:00', '17:00')), start, 0.5))).toBe('2026-06-01T03:30:30.000Z');
  });

  it('handles split shifts and periods that meet at midnight', () => {
    const split = cal(BERLIN, [...weekdays('08:00', '12:00'), ...weekdays('13:00', '17:00')]);
    expect(iso(addBusinessTime(split, local('2026-06-01T11:30', BERLIN), 60))).toBe(iso(local('2026-06-01T13:30', BERLIN)));
    expect(businessMinutesBetween(split, local('2026-06-01T11:00', BERLIN), local('2026-06-01T14:00', BERLIN))).toBe(120);
    const overnight = cal(BERLIN, [{ weekday: 1, startMinute: hm('22:00'), endMinute: 1440 }, { weekday: 2, startMinute: 0, endMinute: hm('02:00') }]);
    expect(iso(addBusinessTime(overnight, local('2026-06-01T23:00', BERLIN), 120))).toBe(iso(local('2026-06-02T01:00', BERLIN)));
  });

  it('is the inverse of businessMinutesBetween from any start', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const calendars = [
      officeNY,
      cal(BERLIN, [...weekdays('08:00', '12:00'), ...weekdays('13:00', '17:30'), { weekday: 6, startMinute: hm('10:00'), endMinute: hm('14:00') }],
        [{ date: '2026-12-24', recurring: true }, { date: '2026-04-03', recurring: false }]),
      cal('Australia/Sydney', weekdays('07:00', '19:00', [1, 2, 3, 4, 5, 6, 7])),
    ];
    for (let i = 0; i < 300; i++) {
      const calendar = calendars[i % calendars.length]!;
      const start = new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 365 * 86_400_000));
      const minutes = Math.floor(random() * 5_000);
      const due = addBusinessTime(calendar, start, minutes);
      expect(due.getTime()).toBeGreaterThanOrEqual(start.getTime());
      expect(businessMinutesBetween(calendar, start, due)).toBeCloseTo(minutes, 6);
    }
  });

  it('answers zero for zero minutes and empty ranges, and refuses a calendar with no opening', () => {
    const start = local('2026-01-10T11:00', NY);
    expect(addBusinessTime(officeNY, start, 0)).toEqual(start);
    expect(businessMinutesBetween(officeNY, start, local('2026-01-11T11:00', NY))).toBe(0);
    expect(businessMinutesBetween(officeNY, start, start)).toBe(0);
    expect(() => addBusinessTime(cal(NY, []), start, 10)).toThrow(/at least one opening period/);
    expect(() => addBusinessTime(officeNY, start, -1)).toThrow(RangeError);
  });
});

describe('isIanaZone', () => {
  it('accepts IANA names and refuses offsets and inventions', () => {
    for (const z of ['America/New_York', 'Europe/Berlin', 'UTC', 'Asia/Kolkata']) expect(isIanaZone(z)).toBe(true);
    for (const z of ['Mars/Olympus', 'UTC+2', '+02:00', 'EST5EDTX', '']) expect(isIanaZone(z)).toBe(false);
  });
});
