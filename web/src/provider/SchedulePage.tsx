import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { GetShopsShopIdBarbersBarberIdScheduleResponse } from '../api/types.gen';
import { Empty, ErrorState, errorMessage, Field, Loading, PageTitle } from '../ui/components';
import { formatDate, formatDateTime, formatTime, localDate } from '../ui/format';
import { formatCalendarDate, wallTimeInZone, WEEKDAYS } from './dates';
import { useShopContext } from './ProviderShell';

type Weekly = GetShopsShopIdBarbersBarberIdScheduleResponse;
type Range = Weekly['hours'][number];
// Monday first, as an Argentine week reads.
const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0];

/** "lunes, 30 de noviembre, 16:00 a 17:30 h", or both dates when it spans days. */
function periodLabel(start: string, end: string, timeZone: string): string {
  if (localDate(new Date(start), timeZone) === localDate(new Date(end), timeZone))
    return `${formatDate(start, timeZone)}, ${formatTime(start, timeZone)} a ${formatTime(end, timeZone)} h`;
  return `${formatDateTime(start, timeZone)} a ${formatDateTime(end, timeZone)}`;
}

export function SchedulePage() {
  const { shop } = useShopContext();
  const barbers = shop.barbers.filter((b) => b.active);
  const [barberId, setBarberId] = useState(barbers[0]?.id ?? '');
  if (barbers.length === 0) return <Empty>Esta barbería todavía no tiene barberos activos.</Empty>;
  return (
    <section>
      <PageTitle>Horarios</PageTitle>
      <label className="inline-field">
        <span className="field-label">Barbero</span>
        <select value={barberId} onChange={(e) => setBarberId(e.target.value)}>
          {barbers.map((b) => (
            <option key={b.id} value={b.id}>
              {b.displayName}
            </option>
          ))}
        </select>
      </label>
      <WeeklyEditor key={`w-${barberId}`} barberId={barberId} />
      <div className="grid two">
        <TimeOffEditor key={`t-${barberId}`} barberId={barberId} />
        <OverridesEditor key={`o-${barberId}`} barberId={barberId} />
      </div>
    </section>
  );
}

function WeeklyEditor({ barberId }: { barberId: string }) {
  const { shopId } = useShopContext();
  const queryClient = useQueryClient();
  const schedule = useQuery({
    queryKey: ['provider', shopId, 'schedule', barberId],
    queryFn: () => api('GET /api/v1/shops/{shopId}/barbers/{barberId}/schedule', { params: { shopId, barberId } }),
  });
  const [draft, setDraft] = useState<Weekly | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (schedule.data) setDraft(schedule.data);
  }, [schedule.data]);
  const save = useMutation({
    mutationFn: (body: Weekly) => api('PUT /api/v1/shops/{shopId}/barbers/{barberId}/schedule', { params: { shopId, barberId }, body }),
    onSuccess: async (data) => {
      setDraft(data);
      setSaved(true);
      await queryClient.invalidateQueries({ queryKey: ['provider', shopId] });
    },
  });

  if (schedule.isPending || !draft) return schedule.isError ? <ErrorState error={schedule.error} onRetry={() => void schedule.refetch()} /> : <Loading label="Cargando horarios…" />;

  const update = (kind: 'hours' | 'breaks', next: Range[]) => {
    setSaved(false);
    setDraft({ ...draft, [kind]: next });
  };

  return (
    <section className="card" aria-labelledby="weekly-title">
      <h2 id="weekly-title">Horario semanal</h2>
      <p className="muted small">Horas de trabajo y descansos de cada día, en la hora de la barbería.</p>
      <div className="weekly">
        {WEEK_ORDER.map((weekday) => (
          <fieldset key={weekday} className="weekday">
            <legend>{WEEKDAYS[weekday]}</legend>
            {(['hours', 'breaks'] as const).map((kind) => {
              const list = draft[kind];
              const ofDay = list.map((r, i) => ({ r, i })).filter(({ r }) => r.weekday === weekday);
              const noun = kind === 'hours' ? 'horario' : 'descanso';
              return (
                <div key={kind} className="ranges">
                  <span className="small muted">{kind === 'hours' ? 'Trabaja' : 'Descansos'}</span>
                  {ofDay.length === 0 ? <span className="small">{kind === 'hours' ? 'No trabaja' : 'Sin descanso'}</span> : null}
                  {ofDay.map(({ r, i }) => (
                    <div key={i} className="range-row">
                      <input type="time" aria-label={`${WEEKDAYS[weekday]}, ${noun}: desde`} value={r.start} onChange={(e) => update(kind, list.map((x, j) => (j === i ? { ...x, start: e.target.value } : x)))} />
                      <span aria-hidden="true">a</span>
                      <input type="time" aria-label={`${WEEKDAYS[weekday]}, ${noun}: hasta`} value={r.end} onChange={(e) => update(kind, list.map((x, j) => (j === i ? { ...x, end: e.target.value } : x)))} />
                      <button type="button" className="button secondary small" aria-label={`Quitar ${noun} del ${WEEKDAYS[weekday]}`} onClick={() => update(kind, list.filter((_, j) => j !== i))}>
                        ✕
                      </button>
                    </div>
                  ))}
                  <button
                    type="button"
                    className="linklike small"
                    onClick={() => update(kind, [...list, kind === 'hours' ? { weekday, start: '10:00', end: '20:00' } : { weekday, start: '14:00', end: '15:00' }])}
                  >
                    Agregar {noun}
                  </button>
                </div>
              );
            })}
          </fieldset>
        ))}
      </div>
      {save.isError ? (
        <p className="form-error" role="alert">
          {errorMessage(save.error)}
        </p>
      ) : null}
      <div className="row">
        <button type="button" className="button" disabled={save.isPending} onClick={() => save.mutate(draft)}>
          {save.isPending ? 'Guardando…' : 'Guardar horario semanal'}
        </button>
        <span role="status" className="small">
          {saved ? 'Horario guardado.' : ''}
        </span>
      </div>
    </section>
  );
}

function TimeOffEditor({ barberId }: { barberId: string }) {
  const { shopId, shop } = useShopContext();
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: ['provider', shopId, 'time-off', barberId],
    queryFn: () => api('GET /api/v1/shops/{shopId}/barbers/{barberId}/time-off', { params: { shopId, barberId } }),
  });
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['provider', shopId] });
  const add = useMutation({
    mutationFn: () =>
      api('POST /api/v1/shops/{shopId}/barbers/{barberId}/time-off', {
        params: { shopId, barberId },
        body: { startsAt: wallTimeInZone(startsAt, shop.timezone), endsAt: wallTimeInZone(endsAt, shop.timezone), reason },
      }),
    onSuccess: async (data) => {
      setStartsAt('');
      setEndsAt('');
      setReason('');
      setNotice(
        data.conflictingBookings > 0
          ? `Ausencia guardada. Atención: ${data.conflictingBookings === 1 ? 'hay 1 turno' : `hay ${data.conflictingBookings} turnos`} en ese horario; siguen en pie hasta que los canceles o reprogrames.`
          : 'Ausencia guardada.',
      );
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (timeOffId: string) => api('DELETE /api/v1/shops/{shopId}/barbers/{barberId}/time-off/{timeOffId}', { params: { shopId, barberId, timeOffId } }),
    onSuccess: refresh,
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!startsAt || !endsAt) return setNotice('Completá desde y hasta.');
    add.mutate();
  }

  return (
    <section className="card" aria-labelledby="timeoff-title">
      <h2 id="timeoff-title">Ausencias</h2>
      <p className="muted small">Vacaciones, trámites: ese tiempo no se ofrece para reservar.</p>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <p className="muted">No hay ausencias próximas.</p>
      ) : (
        <ul className="plain-list">
          {list.data.map((t) => (
            <li key={t.id} className="row">
              <span>
                {periodLabel(t.startsAt, t.endsAt, shop.timezone)}
                {t.reason ? ` · ${t.reason}` : ''}
              </span>
              <button type="button" className="button secondary small" disabled={remove.isPending} onClick={() => remove.mutate(t.id)} aria-label={`Quitar la ausencia del ${formatDateTime(t.startsAt, shop.timezone)}`}>
                Quitar
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Desde">
          <input type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
        </Field>
        <Field label="Hasta">
          <input type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />
        </Field>
        <Field label="Motivo (opcional)">
          <input value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />
        </Field>
        {add.isError || remove.isError ? (
          <p className="form-error" role="alert">
            {errorMessage(add.error ?? remove.error)}
          </p>
        ) : null}
        <p role="status" className="small">
          {notice}
        </p>
        <button type="submit" className="button" disabled={add.isPending}>
          Agregar ausencia
        </button>
      </form>
    </section>
  );
}

function OverridesEditor({ barberId }: { barberId: string }) {
  const { shopId } = useShopContext();
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: ['provider', shopId, 'overrides', barberId],
    queryFn: () => api('GET /api/v1/shops/{shopId}/barbers/{barberId}/overrides', { params: { shopId, barberId } }),
  });
  const [date, setDate] = useState('');
  const [closed, setClosed] = useState(false);
  const [start, setStart] = useState('10:00');
  const [end, setEnd] = useState('14:00');
  const [note, setNote] = useState('');
  const [notice, setNotice] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['provider', shopId] });
  const save = useMutation({
    mutationFn: () => api('PUT /api/v1/shops/{shopId}/barbers/{barberId}/overrides', { params: { shopId, barberId }, body: { date, ranges: closed ? [] : [{ start, end }], note } }),
    onSuccess: async () => {
      setNotice('Fecha especial guardada.');
      setDate('');
      setNote('');
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (d: string) => api('DELETE /api/v1/shops/{shopId}/barbers/{barberId}/overrides/{date}', { params: { shopId, barberId, date: d } }),
    onSuccess: refresh,
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!date) return setNotice('Elegí la fecha.');
    save.mutate();
  }

  return (
    <section className="card" aria-labelledby="overrides-title">
      <h2 id="overrides-title">Fechas especiales</h2>
      <p className="muted small">Un feriado o un día con otro horario: reemplaza el horario semanal de esa fecha.</p>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <p className="muted">No hay fechas especiales próximas.</p>
      ) : (
        <ul className="plain-list">
          {list.data.map((o) => (
            <li key={o.id} className="row">
              <span>
                {formatCalendarDate(o.date)}: {o.ranges.length === 0 ? 'cerrado' : o.ranges.map((r) => `${r.start}–${r.end}`).join(' · ')}
                {o.note ? ` · ${o.note}` : ''}
              </span>
              <button type="button" className="button secondary small" disabled={remove.isPending} onClick={() => remove.mutate(o.date)} aria-label={`Quitar la fecha especial del ${formatCalendarDate(o.date)}`}>
                Quitar
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Fecha">
          <input type="date" value={date} onChange={(e) => setDate(e.target.value)} />
        </Field>
        <label className="checkbox">
          <input type="checkbox" checked={closed} onChange={(e) => setClosed(e.target.checked)} /> No trabaja ese día
        </label>
        {closed ? null : (
          <div className="range-row">
            <Field label="Desde">
              <input type="time" value={start} onChange={(e) => setStart(e.target.value)} />
            </Field>
            <Field label="Hasta">
              <input type="time" value={end} onChange={(e) => setEnd(e.target.value)} />
            </Field>
          </div>
        )}
        <Field label="Nota (opcional)">
          <input value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} />
        </Field>
        {save.isError || remove.isError ? (
          <p className="form-error" role="alert">
            {errorMessage(save.error ?? remove.error)}
          </p>
        ) : null}
        <p role="status" className="small">
          {notice}
        </p>
        <button type="submit" className="button" disabled={save.isPending}>
          Guardar fecha especial
        </button>
      </form>
    </section>
  );
}
