import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { errorMessage, Field } from '../ui/components';
import { useAuth, type Me } from './session';

/** Where each role lands after signing in, unless it came from a page that asked for login. */
export function homeFor(user: Me): string {
  if (user.role === 'admin') return '/admin';
  if (user.role === 'provider') return '/panel';
  return '/mis-turnos';
}

export function LoginPage() {
  const { login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const user = await login({ email, password });
      const next = params.get('volver');
      // Only a path on this site: an absolute URL here would be an open redirect.
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : homeFor(user), { replace: true });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="narrow">
      <h1>Ingresar</h1>
      <form onSubmit={submit} className="form" noValidate>
        <Field label="Email">
          <input type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label="Contraseña">
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Ingresando…' : 'Ingresar'}
        </button>
      </form>
      <p>
        ¿No tenés cuenta? <Link to={`/registrarse${params.get('volver') ? `?volver=${encodeURIComponent(params.get('volver')!)}` : ''}`}>Registrate</Link>
      </p>
    </section>
  );
}
