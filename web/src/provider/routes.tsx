import type { RouteObject } from 'react-router';

export const providerRoutes: RouteObject[] = [];
