import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  afipDate,
  afipDateToIso,
  daysBetween,
  formatAfipDate,
  isAfipDate,
  ISSUE_WINDOW_DAYS,
  issueDateAllowed,
  serviceVoucherDates,
  startOfAfipDay,
} from './dates.js';

describe('AFIP dates', () => {
  it('takes the Argentine calendar day, whatever UTC says', () => {
    expect(afipDate(new Date('2026-12-03T02:59:59Z'))).toBe('20261202'); // 23:59:59 in Buenos Aires
    expect(afipDate(new Date('2026-12-03T03:00:00Z'))).toBe('20261203');
    expect(afipDate(new Date('2027-01-01T02:00:00Z'))).toBe('20261231');
    expect(() => afipDate(new Date('nope'))).toThrow(RangeError);
  });

  it('agrees with UTC−3 for any instant (Argentina has had no DST since 2009)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2010-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (instant) => {
        const shifted = new Date(instant.getTime() - 3 * 3600_000).toISOString();
        expect(afipDate(instant)).toBe(shifted.slice(0, 10).replace(/-/g, ''));
      }),
    );
  });

  it('validates and converts', () => {
    expect(isAfipDate('20240229')).toBe(true);
    for (const bad of ['20230229', '20261301', '2026120', '2026-12-02', '202612021']) expect(isAfipDate(bad)).toBe(false);
    expect(afipDateToIso('20261202')).toBe('2026-12-02');
    expect(formatAfipDate('20261202')).toBe('02/12/2026');
    expect(() => formatAfipDate('20261302')).toThrow(RangeError);
    expect(startOfAfipDay('20261202').toISOString()).toBe('2026-12-02T03:00:00.000Z');
    expect(addDays('20261230', 3)).toBe('20270102');
    expect(daysBetween('20261228', '20270102')).toBe(5);
    expect(daysBetween('20270102', '20261228')).toBe(-5);
  });
});

describe('issueDateAllowed', () => {
  it(`is a configurable ±${ISSUE_WINDOW_DAYS}-day window around the service day`, () => {
    expect(ISSUE_WINDOW_DAYS).toBe(5);
    expect(issueDateAllowed('20261202', '20261202')).toBe(true);
    expect(issueDateAllowed('20261202', '20261207')).toBe(true);
    expect(issueDateAllowed('20261202', '20261208')).toBe(false);
    expect(issueDateAllowed('20261202', '20261127')).toBe(true);
    expect(issueDateAllowed('20261202', '20261126')).toBe(false);
    expect(issueDateAllowed('20261202', '20261212', 10)).toBe(true);
  });

  it('is symmetric and exact at the edges for any day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: -40, max: 40 }), (offset, delta) => {
        const service = addDays('20100101', offset);
        const issue = addDays(service, delta);
        expect(issueDateAllowed(service, issue)).toBe(Math.abs(delta) <= ISSUE_WINDOW_DAYS);
        expect(issueDateAllowed(issue, service)).toBe(issueDateAllowed(service, issue));
      }),
    );
  });
});

describe('serviceVoucherDates', () => {
  const serviceAt = new Date('2026-12-02T10:00:00-03:00');

  it('uses the service day for the period and the payment day for FchVtoPago', () => {
    expect(serviceVoucherDates({ serviceAt, issuedAt: new Date('2026-12-02T11:00:00-03:00'), paidAt: new Date('2026-12-04T09:00:00-03:00') })).toEqual({
      ok: true,
      value: { cbteFch: '20261202', fchServDesde: '20261202', fchServHasta: '20261202', fchVtoPago: '20261204' },
    });
  });

  it('never puts FchVtoPago before CbteFch: a deposit paid earlier, or nothing paid, means the issue day', () => {
    const issuedAt = new Date('2026-12-03T01:00:00-03:00');
    expect(serviceVoucherDates({ serviceAt, issuedAt, paidAt: new Date('2026-11-20T09:00:00-03:00') })).toMatchObject({ value: { cbteFch: '20261203', fchVtoPago: '20261203' } });
    expect(serviceVoucherDates({ serviceAt, issuedAt })).toMatchObject({ value: { fchVtoPago: '20261203' } });
    expect(serviceVoucherDates({ serviceAt, issuedAt, paidAt: null })).toMatchObject({ value: { fchVtoPago: '20261203' } });
  });

  it('refuses an issue day outside the window', () => {
    expect(serviceVoucherDates({ serviceAt, issuedAt: new Date('2026-12-08T00:00:00-03:00') })).toEqual({
      ok: false,
      code: 'issue_date_out_of_window',
      reason: 'La factura debe emitirse dentro de los 5 días del servicio (02/12/2026).',
    });
    expect(serviceVoucherDates({ serviceAt, issuedAt: new Date('2026-12-07T23:59:00-03:00') }).ok).toBe(true);
  });
});
