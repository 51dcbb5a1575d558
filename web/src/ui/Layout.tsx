import { Link, NavLink, Outlet, isRouteErrorResponse, useRouteError } from 'react-router';
import { useAuth } from '../auth/session';
import { footerLinks } from '../privacy/footer';
import { PrivacyBanners, PrivacyFooter } from '../privacy/notices';

export function Layout() {
  const { user, logout } = useAuth();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Saltar al contenido
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="BarberPro, inicio">
          BarberPro
        </Link>
        <nav aria-label="Principal" className="topnav">
          {user?.role === 'customer' ? <NavLink to="/mis-turnos">Mis turnos</NavLink> : null}
          {user?.role === 'provider' ? <NavLink to="/panel">Mi barbería</NavLink> : null}
          {user?.role === 'admin' ? <NavLink to="/admin">Operaciones</NavLink> : null}
          {user ? (
            <button type="button" className="linklike" onClick={() => void logout()}>
              Salir
            </button>
          ) : (
            <NavLink to="/ingresar">Ingresar</NavLink>
          )}
        </nav>
      </header>
      <PrivacyBanners />
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="footer">
        <nav aria-label="Legal">
          {footerLinks.map((l) => (
            <Link key={l.to} to={l.to}>
              {l.label}
            </Link>
          ))}
        </nav>
        <PrivacyFooter />
        <p>BarberPro · Hecho en Argentina</p>
      </footer>
    </div>
  );
}

export function NotFound() {
  return (
    <section className="narrow">
      <h1>No encontramos esta página</h1>
      <p>
        <Link to="/">Volver al inicio</Link>
      </p>
    </section>
  );
}

export function RouteError() {
  const error = useRouteError();
  return (
    <section className="narrow" role="alert">
      <h1>Algo salió mal</h1>
      <p>{isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : 'Recargá la página o volvé al inicio.'}</p>
      <p>
        <Link to="/">Volver al inicio</Link>
      </p>
    </section>
  );
}
