import { NavLink, Outlet } from 'react-router';
import { RequireRole } from '../auth/RequireRole';
import './admin.css';

const SECTIONS = [
  { to: '/admin', label: 'Ejecutivo', end: true },
  { to: '/admin/operacion', label: 'Operativo' },
  { to: '/admin/negocio', label: 'Inteligencia de negocio' },
  { to: '/admin/seguridad', label: 'Seguridad' },
  { to: '/admin/incidentes', label: 'Incidentes' },
];

export function AdminLayout() {
  return (
    <RequireRole roles={['admin']}>
      <nav aria-label="Tableros" className="admin-nav">
        {SECTIONS.map((s) => (
          <NavLink key={s.to} to={s.to} end={s.end ?? false}>
            {s.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </RequireRole>
  );
}
