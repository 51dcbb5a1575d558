/**
 * Availability benchmarks: `npx tsx bench/availability.bench.ts`
 * (or `npm run bench:availability`). Set BENCH_SCALE=0.1 for a quick smoke run.
 */
import { benchAvailabilityEndpoint } from './availability-endpoint.js';
import { benchSlotEngine } from './slot-engine.js';
import { printTable } from './stats.js';

const scale = Number(process.env.BENCH_SCALE ?? '1');
if (!Number.isFinite(scale) || scale <= 0) {
  throw new RangeError(`BENCH_SCALE must be a positive number, got ${process.env.BENCH_SCALE}`);
}

console.log(`Node ${process.version}, ${process.platform}/${process.arch}`);
const engineRows = await benchSlotEngine({ scale });
printTable(
  engineRows,
  'Slot engine: 10 barbers, Buenos Aires, Mon–Sat 09–20 (13–14 break), 30 min on a 15 min grid, 5/10 min buffers, 1,000 bookings over 60 days',
);

const endpoint = await benchAvailabilityEndpoint({ scale });
printTable(
  endpoint.rows,
  `\nEndpoint (in-process HTTP, ${endpoint.engine}): 10 barbers, 1,000 bookings over 60 days, slots serialised as ISO-8601`,
);
