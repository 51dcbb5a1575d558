import { Counter, type Registry } from 'prom-client';
import { LOGIN_LOCKOUTS, WEBHOOK_SIGNATURE_FAILURES } from './metrics-reader.js';

/**
 * The security events the HTTP counters cannot tell apart: a lockout starting (the 429s that
 * follow are already counted by route and code) and why a webhook signature was refused
 * (all refusals answer the same 401). Exported on /metrics like every other counter.
 */
export class SecurityCounters {
  readonly lockouts: Counter<'scope'>;
  readonly signatureFailures: Counter<'reason'>;

  /** `lockouts`: the process's own lockout counter when it already has one (src/platform/metrics.ts). */
  constructor(registry: Registry, lockouts?: Counter<'scope'>) {
    this.lockouts =
      lockouts ??
      new Counter({
        name: LOGIN_LOCKOUTS,
        help: 'Login lockouts started by this process, by scope (account: too many failures for one email; ip: for one address).',
        labelNames: ['scope'],
        registers: [registry],
      });
    this.signatureFailures = new Counter({
      name: WEBHOOK_SIGNATURE_FAILURES,
      help: 'MercadoPago webhooks refused by this process for their x-signature, by reason (missing, malformed, mismatch, stale).',
      labelNames: ['reason'],
      registers: [registry],
    });
    // Measured zeros, so a dashboard tells "none happened" from "not counted".
    for (const scope of ['account', 'ip']) this.lockouts.inc({ scope }, 0);
  }

  onLockout = (scope: 'account' | 'ip'): void => {
    this.lockouts.inc({ scope });
  };

  onRejectedSignature = (reason: string): void => {
    this.signatureFailures.inc({ reason });
  };
}
