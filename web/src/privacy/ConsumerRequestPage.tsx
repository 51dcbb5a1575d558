import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { PostPublicWithdrawalResponse } from '../api/types.gen';
import { errorMessage, Field, PageTitle } from '../ui/components';
import { LEGAL_NOTICE_25326 } from './footer';
import './privacy.css';

const COPY = {
  withdrawal: {
    title: 'Botón de arrepentimiento',
    intro:
      'Si contrataste o pagaste un turno por internet, podés revocar la compra dentro de los 10 días corridos (Ley 24.240, art. 34, y Código Civil y Comercial, art. 1110). No hace falta iniciar sesión.',
    reasonLabel: '¿Qué compra querés revocar? (opcional)',
    submit: 'Revocar la compra',
  },
  cancellation: {
    title: 'Botón de baja',
    intro: 'Pedí la baja de tu cuenta o de un servicio. No hace falta iniciar sesión.',
    reasonLabel: '¿Qué querés dar de baja? (opcional)',
    submit: 'Pedir la baja',
  },
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** /arrepentimiento and /baja: register the request and show its procedure code at once. */
export function ConsumerRequestPage({ kind }: { kind: 'withdrawal' | 'cancellation' }) {
  const copy = COPY[kind];
  const [email, setEmail] = useState('');
  const [bookingId, setBookingId] = useState('');
  const [fullName, setFullName] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [receipt, setReceipt] = useState<PostPublicWithdrawalResponse>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (bookingId.trim() && !UUID.test(bookingId.trim())) {
      setError('El código del turno tiene este formato: 8-4-4-4-12 letras y números (lo encontrás en el email de confirmación).');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const body = {
        email: email.trim(),
        ...(bookingId.trim() ? { bookingId: bookingId.trim() } : {}),
        ...(fullName.trim().length >= 2 ? { fullName: fullName.trim() } : {}),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      };
      setReceipt(kind === 'withdrawal' ? await api('POST /api/v1/public/withdrawal', { body }) : await api('POST /api/v1/public/cancellation', { body }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  if (receipt)
    return (
      <section className="narrow stack">
        <PageTitle>{copy.title}</PageTitle>
        <div className="receipt" role="status">
          <p>Tu código de trámite es</p>
          <p className="receipt-code">{receipt.procedureCode}</p>
          <p>{receipt.message}</p>
          <p className="muted">
            Te respondemos antes del{' '}
            {new Intl.DateTimeFormat('es-AR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'America/Argentina/Buenos_Aires' }).format(new Date(receipt.dueAt))} h.
          </p>
        </div>
        <p>Guardá el código: lo vas a necesitar para consultar el estado del trámite.</p>
        <Link to="/">Volver al inicio</Link>
      </section>
    );

  return (
    <section className="narrow stack">
      <PageTitle>{copy.title}</PageTitle>
      <p>{copy.intro}</p>
      <form onSubmit={submit} className="form" noValidate>
        <Field label="Email" hint="El de tu cuenta, o el que usaste para reservar.">
          <input type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label="Código del turno (opcional)" hint="Figura en el email de confirmación del turno.">
          <input value={bookingId} onChange={(e) => setBookingId(e.target.value)} />
        </Field>
        <Field label="Nombre y apellido (opcional)">
          <input autoComplete="name" value={fullName} onChange={(e) => setFullName(e.target.value)} />
        </Field>
        <Field label={copy.reasonLabel}>
          <textarea rows={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button" disabled={busy || !email.trim()}>
          {busy ? 'Enviando…' : copy.submit}
        </button>
      </form>
      <p className="field-hint">{LEGAL_NOTICE_25326}</p>
    </section>
  );
}
