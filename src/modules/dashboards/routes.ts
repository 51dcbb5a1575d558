import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { adminsOnly } from '../../platform/http/access.js';
import { authErrors, problemSchema } from '../../platform/http/schemas.js';
import { businessResponse, executiveResponse, operationalResponse, securityResponse, windowQuery } from './schemas.js';
import type { DashboardsService } from './service.js';

/** The operators' dashboards (runbook: Executive, Operational, Business Intelligence, Security). */
export function dashboardsRoutes(dashboards: DashboardsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/v1/admin/dashboards/executive', {
      config: { access: adminsOnly },
      schema: {
        tags: ['dashboards'],
        summary: 'Executive dashboard: daily active users, revenue vs. target, customer satisfaction, system performance',
        querystring: windowQuery,
        response: { 200: executiveResponse, 400: problemSchema, ...authErrors },
      },
      handler: async (request) => dashboards.executive(request.query.days),
    });

    app.get('/api/v1/admin/dashboards/operational', {
      config: { access: adminsOnly },
      schema: {
        tags: ['dashboards'],
        summary: 'Operational dashboard: response times by region, error rates, provider utilization, payment success',
        querystring: windowQuery,
        response: { 200: operationalResponse, 400: problemSchema, ...authErrors },
      },
      handler: async (request) => dashboards.operational(request.query.days),
    });

    app.get('/api/v1/admin/dashboards/business', {
      config: { access: adminsOnly },
      schema: {
        tags: ['dashboards'],
        summary: 'Business Intelligence: the runbook’s daily summary and regional performance queries over the last N days',
        querystring: windowQuery,
        response: { 200: businessResponse, 400: problemSchema, ...authErrors },
      },
      handler: async (request) => dashboards.business(request.query.days),
    });

    app.get('/api/v1/admin/dashboards/security', {
      config: { access: adminsOnly },
      schema: {
        tags: ['dashboards'],
        summary: 'Security dashboard: failed logins, lockouts, rate-limited requests, webhook signature failures',
        response: { 200: securityResponse, ...authErrors },
      },
      // Wall time, not the app clock: the counters' window is the process's real uptime.
      handler: async () => dashboards.security(new Date()),
    });
  };
}
