import type { RouteObject } from 'react-router';
import { AdminRequestsPage } from './AdminRequestsPage';
import { ConsumerRequestPage } from './ConsumerRequestPage';
import { LegalPage } from './LegalPage';
import { MyDataPage } from './MyDataPage';

export { ConsentUpdateNotice, FirstAccessNotice, PrivacyBanners, PrivacyFooter, SignUpConsentFields } from './notices';

export const privacyRoutes: RouteObject[] = [
  { path: '/arrepentimiento', element: <ConsumerRequestPage kind="withdrawal" /> },
  { path: '/baja', element: <ConsumerRequestPage kind="cancellation" /> },
  { path: '/privacidad', element: <LegalPage /> },
  { path: '/mis-datos', element: <MyDataPage /> },
  { path: '/admin/privacidad', element: <AdminRequestsPage /> },
];
