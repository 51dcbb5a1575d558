import type { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import type { Principal } from '../../platform/http/access.js';
import { problems } from '../../platform/http/problem.js';
import { money } from '../../platform/http/schemas.js';
import type { ShopAccess } from '../catalog/shop-access.js';
import { shopTimeFormatter } from './format.js';
import type { AgendaContext, AvailabilityRepository } from './repository.js';
import { MAX_AGENDA_DAYS, type agendaSchema, type utilizationSchema } from './schemas.js';
import { addDays, dayPlans, localDayBounds, schedulesFromRows, type BarberSchedule, type LocalDate } from './slot-engine.js';
import { computeUtilization, totals, UTILIZATION_BAND, type UtilizationBarber } from './utilization.js';

type AgendaDto = z.infer<typeof agendaSchema>;
type UtilizationDto = z.infer<typeof utilizationSchema>;
type Schedule = Pick<BarberSchedule, 'weeklyHours' | 'weeklyBreaks' | 'overrides'>;

/** A customer is "Ana" in the shop's agenda: the first name is all the chair needs. */
export function firstName(fullName: string): string {
  return fullName.trim().split(/\s+/)[0] ?? '';
}

/**
 * The shop's own view of its time: the agenda (bookings, live holds, working hours, breaks,
 * time off) for its members, and utilization figures for its owner.
 */
export class ShopAgendaService {
  constructor(
    private readonly repo: AvailabilityRepository,
    private readonly access: ShopAccess,
    private readonly clock: Clock,
  ) {}

  private validateRange(from: LocalDate, to: LocalDate): void {
    if (from > to) throw problems.validation([{ path: 'querystring.to', message: 'La fecha final debe ser igual o posterior a la inicial.' }]);
    if (addDays(from, MAX_AGENDA_DAYS - 1) < to)
      throw problems.validation([{ path: 'querystring.to', message: `Pedí como máximo ${MAX_AGENDA_DAYS} días por consulta.` }]);
  }

  private async load(shopId: string, from: LocalDate, to: LocalDate) {
    // Overrides from `from` on; the context's own time off is not used (timeOffOverlapping is).
    const probe = await this.repo.agendaContext(shopId, from, new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000));
    if (!probe) throw problems.notFound('La barbería');
    const start = localDayBounds(from, probe.timezone).start;
    const end = localDayBounds(to, probe.timezone).end;
    return { context: probe, start, end };
  }

  private schedules(context: AgendaContext, to: LocalDate): Map<string, Schedule> {
    // Grouped by day like the slot engine's own: an override day with two ranges keeps both.
    return schedulesFromRows(
      context.barbers.map((b) => b.id),
      context.weekly,
      context.overrides,
      (date) => date <= to,
    );
  }

  async agenda(principal: Principal, shopId: string, query: { from: LocalDate; to: LocalDate; barberId?: string | undefined }): Promise<AgendaDto> {
    await this.access.assertMember(principal, shopId);
    this.validateRange(query.from, query.to);
    const { context, start, end } = await this.load(shopId, query.from, query.to);
    const barbers = context.barbers.filter((b) => !query.barberId || b.id === query.barberId);
    if (query.barberId && barbers.length === 0) throw problems.notFound('El barbero');
    const ids = new Set(barbers.map((b) => b.id));
    const format = shopTimeFormatter(context.timezone);
    const span = (i: { start: number; end: number }) => ({ start: format(i.start), end: format(i.end) });
    const schedules = this.schedules(context, query.to);
    const now = this.clock.now().getTime();

    const [entries, timeOff] = await Promise.all([
      this.repo.bookingsOverlapping(shopId, new Date(start), new Date(end), ['pending', 'confirmed', 'completed', 'no_show'], query.barberId),
      this.repo.timeOffOverlapping(shopId, new Date(start), new Date(end)),
    ]);

    const days: AgendaDto['days'] = [];
    const plans = barbers.map((b) => ({ barberId: b.id, plans: dayPlans(context.timezone, query.from, query.to, schedules.get(b.id)!) }));
    const dayCount = plans[0]?.plans.length ?? 0;
    for (let d = 0; d < dayCount; d++) {
      for (const { barberId, plans: list } of plans) {
        const plan = list[d]!;
        days.push({ date: plan.date, barberId, working: plan.working.map(span), breaks: plan.breaks.map(span), override: plan.override });
      }
    }

    return {
      shopId,
      timezone: context.timezone,
      from: query.from,
      to: query.to,
      barbers: barbers.map((b) => ({ id: b.id, displayName: b.displayName })),
      days,
      timeOff: timeOff.filter((t) => ids.has(t.barberId)).map((t) => ({ id: t.id, barberId: t.barberId, reason: t.reason, ...span(t) })),
      // A hold whose time ran out no longer blocks anything, even before the sweeper expires it.
      bookings: entries
        .filter((e) => ids.has(e.barberId) && !(e.status === 'pending' && e.holdExpiresAt !== null && e.holdExpiresAt <= now))
        .map((e) => ({
          id: e.id,
          barberId: e.barberId,
          status: e.status as AgendaDto['bookings'][number]['status'],
          ...span(e),
          serviceName: e.serviceName,
          customerFirstName: firstName(e.customerName),
          price: money(e.priceCents),
          deposit: money(e.depositCents),
          holdExpiresAt: e.holdExpiresAt === null ? null : format(e.holdExpiresAt),
          note: e.note,
        })),
    };
  }

  async utilization(principal: Principal, shopId: string, query: { from: LocalDate; to: LocalDate }): Promise<UtilizationDto> {
    await this.access.assertCanManage(principal, shopId);
    this.validateRange(query.from, query.to);
    const { context, start, end } = await this.load(shopId, query.from, query.to);
    const schedules = this.schedules(context, query.to);
    const [entries, timeOff] = await Promise.all([
      this.repo.bookingsOverlapping(shopId, new Date(start), new Date(end), ['confirmed', 'completed', 'no_show']),
      this.repo.timeOffOverlapping(shopId, new Date(start), new Date(end)),
    ]);
    const inputs: UtilizationBarber[] = context.barbers.map((b) => ({
      barberId: b.id,
      ...schedules.get(b.id)!,
      timeOff: timeOff.filter((t) => t.barberId === b.id),
      bookings: entries.filter((e) => e.barberId === b.id),
    }));
    const rows = computeUtilization(context.timezone, query.from, query.to, inputs);
    const dates = [...new Set(rows.map((r) => r.date))];
    return {
      shopId,
      timezone: context.timezone,
      from: query.from,
      to: query.to,
      band: { ...UTILIZATION_BAND },
      barbers: context.barbers.map((b) => ({ id: b.id, displayName: b.displayName, ...totals(rows.filter((r) => r.barberId === b.id)) })),
      days: dates.map((date) => {
        const ofDay = rows.filter((r) => r.date === date);
        return { date, ...totals(ofDay), barbers: ofDay.map((r) => ({ barberId: r.barberId, availableMinutes: r.availableMinutes, bookedMinutes: r.bookedMinutes, ratio: r.ratio })) };
      }),
      total: totals(rows),
    };
  }
}
