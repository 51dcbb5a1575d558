import { Navigate, type RouteObject } from 'react-router';
import { RequireRole } from '../auth/RequireRole';
import { AgendaPage } from './AgendaPage';
import { NumbersPage } from './NumbersPage';
import { PanelHome, ProviderShell } from './ProviderShell';
import { ReviewsPage } from './ReviewsPage';
import { SchedulePage } from './SchedulePage';
import { ServicesPage } from './ServicesPage';
import { SettingsPage } from './SettingsPage';

export const providerRoutes: RouteObject[] = [
  {
    path: '/panel',
    element: (
      <RequireRole roles={['provider']}>
        <PanelHome />
      </RequireRole>
    ),
  },
  {
    path: '/panel/:shopId',
    element: (
      <RequireRole roles={['provider']}>
        <ProviderShell />
      </RequireRole>
    ),
    children: [
      { index: true, element: <Navigate to="agenda" replace /> },
      { path: 'agenda', element: <AgendaPage /> },
      { path: 'servicios', element: <ServicesPage /> },
      { path: 'horarios', element: <SchedulePage /> },
      { path: 'ajustes', element: <SettingsPage /> },
      { path: 'numeros', element: <NumbersPage /> },
      { path: 'opiniones', element: <ReviewsPage /> },
    ],
  },
];
