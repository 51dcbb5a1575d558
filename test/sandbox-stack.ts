import { ManualClock } from '../src/platform/clock.js';
import { InProcessJobQueue } from '../src/platform/queue/in-process-queue.js';
import { startAfipSandbox, type AfipSandbox } from '../src/sandbox/afip/index.js';
import { startMercadoPagoSandbox, type MercadoPagoSandbox } from '../src/sandbox/mercadopago/index.js';
import { createTestContext, freePort, TEST_ENV, type TestContext } from './helpers.js';

/** The marketplace application's OAuth credentials the test sandboxes and the app share. */
export const TEST_MP_APP = { clientId: 'app-test', clientSecret: 'app-test-secret' } as const;

/** The local MercadoPago sandbox as the payment tests use it: the test webhook secret, quick retries. */
export function startTestMercadoPago(sellerTokens: Record<string, number>): Promise<MercadoPagoSandbox> {
  return startMercadoPagoSandbox({ webhookSecret: TEST_ENV.MP_WEBHOOK_SECRET, ...TEST_MP_APP, sellerTokens, webhookRetryDelaysMs: [50, 100] });
}

export interface SandboxStack {
  ctx: TestContext;
  mp: MercadoPagoSandbox;
  /** Only when asked for (`afip: true`). */
  afip: AfipSandbox | undefined;
  queue: InProcessJobQueue;
  close(): Promise<void>;
}

/**
 * The app listening on a real port (MercadoPago's webhooks have to reach it) with the local
 * MercadoPago sandbox, optionally the AFIP one, an in-process job queue and a manual clock.
 */
export async function startSandboxStack(options: { sellerTokens: Record<string, number>; afip?: boolean; env?: Record<string, string> }): Promise<SandboxStack> {
  const mp = await startTestMercadoPago(options.sellerTokens);
  const afip = options.afip ? await startAfipSandbox() : undefined;
  const port = await freePort();
  const queue = new InProcessJobQueue();
  const ctx = await createTestContext({
    clock: new ManualClock(new Date()),
    env: {
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      ...(afip ? { AFIP_WSAA_URL: afip.wsaaUrl, AFIP_WSFE_URL: afip.wsfeUrl, AFIP_TIMEOUT_MS: '3000' } : {}),
      ...options.env,
    },
    queue,
    deps: { mercadopago: { baseUrl: mp.url, authBaseUrl: mp.url, ...TEST_MP_APP } },
  });
  await ctx.app.listen({ port, host: '127.0.0.1' });
  await queue.start();
  return {
    ctx,
    mp,
    afip,
    queue,
    async close() {
      await ctx.close();
      await queue.close();
      await mp.close();
      await afip?.close();
    },
  };
}
