import type { RouteObject } from 'react-router';

export const privacyRoutes: RouteObject[] = [];
