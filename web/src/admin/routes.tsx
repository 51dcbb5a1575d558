import type { RouteObject } from 'react-router';
import { AdminLayout } from './AdminLayout';

// Pages load on demand: the charts library is only downloaded by operators, never by the
// customers' phones.
export const adminRoutes: RouteObject[] = [
  {
    path: '/admin',
    element: <AdminLayout />,
    children: [
      { index: true, lazy: async () => ({ Component: (await import('./ExecutivePage')).ExecutivePage }) },
      { path: 'operacion', lazy: async () => ({ Component: (await import('./OperationalPage')).OperationalPage }) },
      { path: 'negocio', lazy: async () => ({ Component: (await import('./BusinessPage')).BusinessPage }) },
      { path: 'seguridad', lazy: async () => ({ Component: (await import('./SecurityPage')).SecurityPage }) },
      { path: 'incidentes', lazy: async () => ({ Component: (await import('./IncidentsPage')).IncidentsPage }) },
      { path: 'incidentes/:id', lazy: async () => ({ Component: (await import('./IncidentDetailPage')).IncidentDetailPage }) },
    ],
  },
];
