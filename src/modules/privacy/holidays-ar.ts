/**
 * Argentine national holidays, 2025–2027, for counting "días hábiles" (Ley 25.326 art. 16:
 * rectification and deletion within five business days).
 *
 * Ley 27.399 sets the days: "inamovibles" (arts. 2–3) are kept on their date whatever the
 * weekday; "trasladables" (17 Jun, 17 Aug, 12 Oct, 20 Nov) move by art. 6 — Tuesday or
 * Wednesday to the Monday before, Thursday or Friday to the Monday after, a weekend stays —
 * unless the executive fixes them otherwise for the year; art. 7 lets the executive add up to
 * three "días no laborables con fines turísticos" a year, and Jueves Santo is a "día no
 * laborable" by the law itself. The table lists every day on its *observed* date.
 *
 * Días no laborables are optional for private employers (the public administration closes),
 * so they are listed (kind `non_working_day`) but `businessDayHolidays` leaves them out: the
 * deadline computed is then never later than the law allows under either reading.
 *
 * Sources, checked on 2026-11-29:
 * - 2025: Ley 27.399 and Decreto 1027/2024 (B.O. 2024-11-21; días no laborables 2 May, 15 Aug,
 *   21 Nov); the executive's 2025 calendar moved Güemes (Tue 17 Jun) to Mon 16 Jun and the
 *   Soberanía Nacional (Thu 20 Nov) to Mon 24 Nov; 17 Aug and 12 Oct fell on Sundays and stayed.
 * - 2026: Ley 27.399, Decreto 614/2025 and Resolución JGM 164/2025 (B.O. 2025-12-26; días no
 *   laborables 23 Mar, 10 Jul, 7 Dec); the official 2026 calendar moves Güemes (Wed 17 Jun) to
 *   Mon 15 Jun and the Soberanía Nacional (Fri 20 Nov) to Mon 23 Nov.
 * - 2027: Ley 27.399 only. The trasladables are moved by the art. 6 rule and Carnaval/Easter
 *   computed from Easter Sunday (28 Mar 2027); the executive had not published the 2027
 *   días no laborables when this table was written, so none are listed. Update this year when
 *   the decree appears (`source` says which rows are still computed).
 */

export type HolidayKind = 'inamovible' | 'trasladable' | 'non_working_day';

export interface Holiday {
  /** Observed date, YYYY-MM-DD (Argentine calendar day). */
  date: string;
  name: string;
  kind: HolidayKind;
  source: string;
}

const LEY = 'Ley 27.399';
const Y2025_CAL = 'Ley 27.399 art. 6; calendario oficial 2025 (Decreto 1027/2024)';
const Y2026_CAL = 'Ley 27.399 art. 6; calendario oficial 2026 (Decreto 614/2025, Res. JGM 164/2025)';
const Y2027_RULE = 'Ley 27.399 art. 6 (traslado calculado; decreto 2027 no publicado al redactar)';

export const AR_HOLIDAYS: readonly Holiday[] = [
  // 2025
  { date: '2025-01-01', name: 'Año Nuevo', kind: 'inamovible', source: LEY },
  { date: '2025-03-03', name: 'Carnaval', kind: 'inamovible', source: LEY },
  { date: '2025-03-04', name: 'Carnaval', kind: 'inamovible', source: LEY },
  { date: '2025-03-24', name: 'Día Nacional de la Memoria por la Verdad y la Justicia', kind: 'inamovible', source: LEY },
  { date: '2025-04-02', name: 'Día del Veterano y de los Caídos en la Guerra de Malvinas', kind: 'inamovible', source: LEY },
  { date: '2025-04-17', name: 'Jueves Santo', kind: 'non_working_day', source: LEY },
  { date: '2025-04-18', name: 'Viernes Santo', kind: 'inamovible', source: LEY },
  { date: '2025-05-01', name: 'Día del Trabajador', kind: 'inamovible', source: LEY },
  { date: '2025-05-02', name: 'Día no laborable con fines turísticos', kind: 'non_working_day', source: 'Decreto 1027/2024' },
  { date: '2025-05-25', name: 'Día de la Revolución de Mayo', kind: 'inamovible', source: LEY },
  { date: '2025-06-16', name: 'Paso a la Inmortalidad del Gral. Martín Miguel de Güemes (17/6)', kind: 'trasladable', source: Y2025_CAL },
  { date: '2025-06-20', name: 'Paso a la Inmortalidad del Gral. Manuel Belgrano', kind: 'inamovible', source: LEY },
  { date: '2025-07-09', name: 'Día de la Independencia', kind: 'inamovible', source: LEY },
  { date: '2025-08-15', name: 'Día no laborable con fines turísticos', kind: 'non_working_day', source: 'Decreto 1027/2024' },
  { date: '2025-08-17', name: 'Paso a la Inmortalidad del Gral. José de San Martín', kind: 'trasladable', source: Y2025_CAL },
  { date: '2025-10-12', name: 'Día del Respeto a la Diversidad Cultural', kind: 'trasladable', source: Y2025_CAL },
  { date: '2025-11-21', name: 'Día no laborable con fines turísticos', kind: 'non_working_day', source: 'Decreto 1027/2024' },
  { date: '2025-11-24', name: 'Día de la Soberanía Nacional (20/11)', kind: 'trasladable', source: Y2025_CAL },
  { date: '2025-12-08', name: 'Inmaculada Concepción de María', kind: 'inamovible', source: LEY },
  { date: '2025-12-25', name: 'Navidad', kind: 'inamovible', source: LEY },
  // 2026
  { date: '2026-01-01', name: 'Año Nuevo', kind: 'inamovible', source: LEY },
  { date: '2026-02-16', name: 'Carnaval', kind: 'inamovible', source: LEY },
  { date: '2026-02-17', name: 'Carnaval', kind: 'inamovible', source: LEY },
  { date: '2026-03-23', name: 'Día no laborable con fines turísticos', kind: 'non_working_day', source: 'Res. JGM 164/2025' },
  { date: '2026-03-24', name: 'Día Nacional de la Memoria por la Verdad y la Justicia', kind: 'inamovible', source: LEY },
  // Jueves Santo (no laborable) falls on Malvinas day, an inamovible holiday: the holiday wins.
  { date: '2026-04-02', name: 'Día del Veterano y de los Caídos en la Guerra de Malvinas (y Jueves Santo)', kind: 'inamovible', source: LEY },
  { date: '2026-04-03', name: 'Viernes Santo', kind: 'inamovible', source: LEY },
  { date: '2026-05-01', name: 'Día del Trabajador', kind: 'inamovible', source: LEY },
  { date: '2026-05-25', name: 'Día de la Revolución de Mayo', kind: 'inamovible', source: LEY },
  { date: '2026-06-15', name: 'Paso a la Inmortalidad del Gral. Martín Miguel de Güemes (17/6)', kind: 'trasladable', source: Y2026_CAL },
  { date: '2026-06-20', name: 'Paso a la Inmortalidad del Gral. Manuel Belgrano', kind: 'inamovible', source: LEY },
  { date: '2026-07-09', name: 'Día de la Independencia', kind: 'inamovible', source: LEY },
  { date: '2026-07-10', name: 'Día no laborable con fines turísticos', kind: 'non_working_day', source: 'Res. JGM 164/2025' },
  { date: '2026-08-17', name: 'Paso a la Inmortalidad del Gral. José de San Martín', kind: 'trasladable', source: Y2026_CAL },
  { date: '2026-10-12', name: 'Día del Respeto a la Diversidad Cultural', kind: 'trasladable', source: Y2026_CAL },
  { date: '2026-11-23', name: 'Día de la Soberanía Nacional (20/11)', kind: 'trasladable', source: Y2026_CAL },
  { date: '2026-12-07', name: 'Día no laborable con fines turísticos', kind: 'non_working_day', source: 'Res. JGM 164/2025' },
  { date: '2026-12-08', name: 'Inmaculada Concepción de María', kind: 'inamovible', source: LEY },
  { date: '2026-12-25', name: 'Navidad', kind: 'inamovible', source: LEY },
  // 2027 (Easter Sunday 28 March)
  { date: '2027-01-01', name: 'Año Nuevo', kind: 'inamovible', source: LEY },
  { date: '2027-02-08', name: 'Carnaval', kind: 'inamovible', source: LEY },
  { date: '2027-02-09', name: 'Carnaval', kind: 'inamovible', source: LEY },
  { date: '2027-03-24', name: 'Día Nacional de la Memoria por la Verdad y la Justicia', kind: 'inamovible', source: LEY },
  { date: '2027-03-25', name: 'Jueves Santo', kind: 'non_working_day', source: LEY },
  { date: '2027-03-26', name: 'Viernes Santo', kind: 'inamovible', source: LEY },
  { date: '2027-04-02', name: 'Día del Veterano y de los Caídos en la Guerra de Malvinas', kind: 'inamovible', source: LEY },
  { date: '2027-05-01', name: 'Día del Trabajador', kind: 'inamovible', source: LEY },
  { date: '2027-05-25', name: 'Día de la Revolución de Mayo', kind: 'inamovible', source: LEY },
  { date: '2027-06-20', name: 'Paso a la Inmortalidad del Gral. Manuel Belgrano', kind: 'inamovible', source: LEY },
  { date: '2027-06-21', name: 'Paso a la Inmortalidad del Gral. Martín Miguel de Güemes (jue 17/6)', kind: 'trasladable', source: Y2027_RULE },
  { date: '2027-07-09', name: 'Día de la Independencia', kind: 'inamovible', source: LEY },
  { date: '2027-08-16', name: 'Paso a la Inmortalidad del Gral. José de San Martín (mar 17/8)', kind: 'trasladable', source: Y2027_RULE },
  { date: '2027-10-11', name: 'Día del Respeto a la Diversidad Cultural (mar 12/10)', kind: 'trasladable', source: Y2027_RULE },
  { date: '2027-11-20', name: 'Día de la Soberanía Nacional (sábado: no se traslada)', kind: 'trasladable', source: Y2027_RULE },
  { date: '2027-12-08', name: 'Inmaculada Concepción de María', kind: 'inamovible', source: LEY },
  { date: '2027-12-25', name: 'Navidad', kind: 'inamovible', source: LEY },
];

/** Years the table covers; a deadline that reaches past them cannot be computed honestly. */
export const AR_HOLIDAY_YEARS: readonly number[] = [2025, 2026, 2027];

export interface HolidayCalendar {
  /** Non-business dates (YYYY-MM-DD) besides Saturdays and Sundays. */
  dates: ReadonlySet<string>;
  /** Years whose holidays are all in `dates`. */
  years: ReadonlySet<number>;
}

/** The calendar business-day deadlines count with: feriados only (see the header on días no laborables). */
export function businessDayHolidays(table: readonly Holiday[] = AR_HOLIDAYS, years: readonly number[] = AR_HOLIDAY_YEARS): HolidayCalendar {
  return { dates: new Set(table.filter((h) => h.kind !== 'non_working_day').map((h) => h.date)), years: new Set(years) };
}
