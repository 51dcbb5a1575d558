import { createBrowserRouter, type RouteObject } from 'react-router';
import { adminRoutes } from './admin/routes';
import { LoginPage } from './auth/LoginPage';
import { customerRoutes } from './customer/routes';
import { privacyRoutes } from './privacy/routes';
import { providerRoutes } from './provider/routes';
import { Layout, NotFound, RouteError } from './ui/Layout';

// Each area owns its routes: customer at `/`, provider workspace at `/panel`, operators at
// `/admin`, legal and data-rights pages in privacy.
const routes: RouteObject[] = [
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { path: '/ingresar', element: <LoginPage /> },
      ...customerRoutes,
      ...providerRoutes,
      ...adminRoutes,
      ...privacyRoutes,
      { path: '*', element: <NotFound /> },
    ],
  },
];

export const router = createBrowserRouter(routes);
