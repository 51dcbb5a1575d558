import { describe, expect, it } from 'vitest';
import { costPerRequest, mixCapacity, type CostStage } from '../../bench/load/report.js';

/** A cost stage as the runner records it: requests per second and the cores each group used. */
function stage(kind: CostStage['kind'], throughput: number, cores: { service: number; postgres: number; redis: number; loadGenerator?: number }): CostStage {
  return {
    kind,
    connections: 10,
    result: { total: { throughput } } as CostStage['result'],
    cpu: {
      machineBusy: 1,
      groups: { service: 0, postgres: 0, redis: 0, loadGenerator: 0, other: 0 },
      cores: { service: cores.service, postgres: cores.postgres, redis: cores.redis, loadGenerator: cores.loadGenerator ?? 0, other: 0 },
    },
  };
}

describe('bench cost per request', () => {
  it('is the CPU each group used over the stage divided by the requests answered', () => {
    // 1.2 cores of service and 0.4 of PostgreSQL for 200 bookings a second: 6 ms + 2 ms each.
    const cost = costPerRequest(stage('booking', 200, { service: 1.2, postgres: 0.4, redis: 0.05, loadGenerator: 0.1 }))!;
    expect(cost.service).toBeCloseTo(6, 9);
    expect(cost.postgres).toBeCloseTo(2, 9);
    expect(cost.redis).toBeCloseTo(0.25, 9);
    expect(cost.total).toBeCloseTo(8.25, 9);
    expect(cost.loadGenerator).toBeCloseTo(0.5, 9);
  });

  it('is unknown when nothing was answered or the CPU could not be read', () => {
    expect(costPerRequest(stage('search', 0, { service: 1, postgres: 0, redis: 0 }))).toBeNull();
    expect(costPerRequest({ ...stage('search', 100, { service: 1, postgres: 0, redis: 0 }), cpu: undefined })).toBeNull();
  });

  it('weights each kind by its share of the mix and bounds the throughput by the cores', () => {
    const report = {
      settings: { mix: { search: 40, availability: 40, booking: 15, webhook: 5 } } as never,
      machine: { cores: 2 } as never,
      costs: [
        stage('healthz', 10_000, { service: 1, postgres: 0, redis: 0 }),
        stage('search', 1_000, { service: 0.5, postgres: 0, redis: 0 }), // 0.5 ms
        stage('availability', 1_000, { service: 1, postgres: 0, redis: 0 }), // 1 ms
        stage('booking', 100, { service: 0.6, postgres: 0.4, redis: 0 }), // 10 ms
        stage('webhook', 500, { service: 1, postgres: 0, redis: 0 }), // 2 ms
      ],
    };
    const capacity = mixCapacity(report)!;
    // 0.4 × 0.5 + 0.4 × 1 + 0.15 × 10 + 0.05 × 2 = 2.2 ms; 2 cores → 2000 / 2.2 req/s.
    expect(capacity.msPerRequest).toBeCloseTo(2.2, 9);
    expect(capacity.maxRequestsPerSecond).toBeCloseTo(2000 / 2.2, 6);
  });

  it('is unknown when a kind of the mix has no cost stage', () => {
    const report = { settings: { mix: { search: 50, booking: 50 } } as never, machine: { cores: 2 } as never, costs: [stage('search', 1_000, { service: 0.5, postgres: 0, redis: 0 })] };
    expect(mixCapacity(report)).toBeNull();
  });
});
