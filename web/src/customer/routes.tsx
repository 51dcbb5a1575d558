import type { RouteObject } from 'react-router';

export const customerRoutes: RouteObject[] = [];
