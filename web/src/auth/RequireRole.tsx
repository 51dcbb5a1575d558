import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Loading } from '../ui/components';
import { useAuth, type Me } from './session';

/** Sends visitors to login (and back afterwards); shows a clear refusal to a signed-in wrong role. */
export function RequireRole({ roles, children }: { roles: Me['role'][]; children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  if (user === undefined) return <Loading />;
  if (user === null) return <Navigate to={`/ingresar?volver=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (!roles.includes(user.role))
    return (
      <section className="narrow" role="alert">
        <h1>No tenés acceso a esta sección</h1>
        <p>Ingresaste con una cuenta que no puede ver esta página.</p>
      </section>
    );
  return <>{children}</>;
}
