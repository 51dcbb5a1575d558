import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { PostAuthRegisterBody } from '../api/types.gen';
import { useAuth } from '../auth/session';
import { SignUpConsentFields } from '../privacy/routes';
import { Field, errorMessage } from '../ui/components';
import { fieldErrors } from './shared';

/**
 * The registration body: the one place that maps the form to the API. The API refuses a
 * sign-up without `acceptTerms: true`, and records the versions accepted.
 */
function registerBody(form: { fullName: string; email: string; password: string; phone: string; acceptedTerms: boolean; marketingOptIn: boolean }): PostAuthRegisterBody | null {
  if (!form.acceptedTerms) return null;
  return {
    fullName: form.fullName.trim(),
    email: form.email.trim(),
    password: form.password,
    role: 'customer',
    acceptTerms: true,
    marketingOptIn: form.marketingOptIn,
    ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
  };
}

export function SignUpPage() {
  const { register } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form, setForm] = useState({ fullName: '', email: '', password: '', phone: '', acceptedTerms: false, marketingOptIn: false });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const next = params.get('volver');

  function set<K extends keyof typeof form>(key: K, value: (typeof form)[K]) {
    setForm((f) => ({ ...f, [key]: value }));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local: Record<string, string> = {};
    if (form.fullName.trim().length < 2) local.fullName = 'Ingresá tu nombre y apellido.';
    if (!/^\S+@\S+\.\S+$/.test(form.email.trim())) local.email = 'Ingresá un email válido.';
    if (form.password.length < 10) local.password = 'La contraseña debe tener al menos 10 caracteres.';
    const body = registerBody(form);
    if (!body) local.acceptTerms = 'Para crear la cuenta tenés que aceptar los términos y la política de privacidad.';
    setErrors(local);
    setError(undefined);
    if (Object.keys(local).length || !body) return;
    setBusy(true);
    try {
      await register(body);
      // Only a path on this site: an absolute URL here would be an open redirect.
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (e) {
      setErrors(fieldErrors(e));
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="narrow customer">
      <h1>Crear cuenta</h1>
      <p className="muted">Con tu cuenta reservás, pagás la seña y manejás tus turnos.</p>
      <form onSubmit={submit} className="form" noValidate>
        <Field label="Nombre y apellido" error={errors.fullName}>
          <input autoComplete="name" required value={form.fullName} onChange={(e) => set('fullName', e.target.value)} aria-invalid={Boolean(errors.fullName)} />
        </Field>
        <Field label="Email" error={errors.email}>
          <input type="email" autoComplete="email" required value={form.email} onChange={(e) => set('email', e.target.value)} aria-invalid={Boolean(errors.email)} />
        </Field>
        <Field label="Contraseña" hint="Al menos 10 caracteres." error={errors.password}>
          <input type="password" autoComplete="new-password" required value={form.password} onChange={(e) => set('password', e.target.value)} aria-invalid={Boolean(errors.password)} />
        </Field>
        <Field label="Teléfono (opcional)" hint="Para avisos por WhatsApp, ej. +54 9 351 123-4567." error={errors.phone}>
          <input type="tel" autoComplete="tel" value={form.phone} onChange={(e) => set('phone', e.target.value)} aria-invalid={Boolean(errors.phone)} />
        </Field>
        <SignUpConsentFields
          acceptTerms={form.acceptedTerms}
          marketingOptIn={form.marketingOptIn}
          onChange={(v) => setForm((f) => ({ ...f, acceptedTerms: v.acceptTerms, marketingOptIn: v.marketingOptIn }))}
        />
        {errors.acceptTerms ? (
          <p className="field-error" role="alert">
            {errors.acceptTerms}
          </p>
        ) : null}
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Creando cuenta…' : 'Crear cuenta'}
        </button>
      </form>
      <p>
        ¿Ya tenés cuenta? <Link to={`/ingresar${next ? `?volver=${encodeURIComponent(next)}` : ''}`}>Ingresá</Link>
      </p>
    </section>
  );
}
