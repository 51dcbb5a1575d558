import type { RouteObject } from 'react-router';
import { RequireRole } from '../auth/RequireRole';
import { BookingFlow } from './BookingFlow';
import { BookingPage } from './BookingPage';
import './customer.css';
import { HomePage } from './HomePage';
import { MyBookingsPage } from './MyBookingsPage';
import { ShopPage } from './ShopPage';
import { SignUpPage } from './SignUpPage';

export const customerRoutes: RouteObject[] = [
  { path: '/', element: <HomePage /> },
  { path: '/registrarse', element: <SignUpPage /> },
  { path: '/barberias/:shopId', element: <ShopPage /> },
  // Open to visitors: the confirm step asks them to sign in or sign up, and brings them back.
  { path: '/barberias/:shopId/reservar', element: <BookingFlow /> },
  // MercadoPago's back_urls return here (src/modules/payments/service.ts).
  {
    path: '/reservas/:id',
    element: (
      <RequireRole roles={['customer']}>
        <BookingPage />
      </RequireRole>
    ),
  },
  {
    path: '/mis-turnos',
    element: (
      <RequireRole roles={['customer']}>
        <MyBookingsPage />
      </RequireRole>
    ),
  },
];
