/**
 * The local traffic switcher: a reverse proxy in front of two BarberPro process groups (blue
 * serving, green being deployed) that does on one machine what the ALB's two target groups
 * and CodeDeploy's traffic shifting do on AWS: a weighted canary, an atomic switch, health
 * gating with automatic rollback, and draining of the old version.
 *
 * Proxying itself is @fastify/reply-from (undici pools, header handling, hop-by-hop
 * stripping); this module only decides which upstream a request goes to.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import replyFrom from '@fastify/reply-from';

export type Colour = 'blue' | 'green';

export interface Upstream {
  colour: Colour;
  url: string;
}

export interface UpstreamStats {
  served: number;
  inFlight: number;
  /** Requests that failed to reach this upstream and were answered by the other one. */
  retriedElsewhere: number;
}

export interface SwitcherEvent {
  at: number;
  kind: 'weight' | 'rollback' | 'promote' | 'upstream-error';
  detail: string;
}

/** Requests that never reached the upstream can always be sent again. */
const NOT_DELIVERED = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('FST_')) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A request that failed against the canary may be replayed on the stable version when doing so
 * cannot apply it twice: it never got there, or the method is idempotent, or it carries an
 * Idempotency-Key (BarberPro's booking and checkout creation dedupe on it).
 */
export function mayReplay(method: string, headers: Record<string, unknown>, error: unknown): boolean {
  const code = errorCode(error);
  if (code && NOT_DELIVERED.has(code)) return true;
  return IDEMPOTENT.has(method.toUpperCase()) || typeof headers['idempotency-key'] === 'string';
}

export class TrafficSwitcher {
  private stable: Upstream;
  private canary: Upstream | undefined;
  /** Percent of requests sent to the canary, 0–100. */
  private weight = 0;
  private counter = 0;
  private readonly stats = new Map<string, UpstreamStats>();
  readonly events: SwitcherEvent[] = [];
  private readonly app: FastifyInstance;
  private onCanaryError: ((error: unknown) => void) | undefined;

  constructor(blue: Upstream) {
    this.stable = blue;
    this.app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
    // Bodies pass through untouched, whatever their type.
    this.app.removeAllContentTypeParsers();
    this.app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    void this.app.register(replyFrom, { undici: { connections: 128, pipelining: 1, headersTimeout: 30_000, bodyTimeout: 30_000 } });
    this.app.all('/*', (request, reply) => this.forward(request, reply));
  }

  get state(): { stable: Upstream; canary: Upstream | undefined; weight: number } {
    return { stable: this.stable, canary: this.canary, weight: this.weight };
  }

  statsOf(url: string): UpstreamStats {
    let s = this.stats.get(url);
    if (!s) this.stats.set(url, (s = { served: 0, inFlight: 0, retriedElsewhere: 0 }));
    return s;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    await this.app.listen({ port, host });
    const address = this.app.server.address();
    return typeof address === 'object' && address ? `http://${host}:${address.port}` : `http://${host}:${port}`;
  }

  close(): Promise<void> {
    return this.app.close();
  }

  /** Puts `upstream` behind the switcher as the canary, with no traffic yet. */
  attachCanary(upstream: Upstream, onError: (error: unknown) => void): void {
    this.canary = upstream;
    this.weight = 0;
    this.onCanaryError = onError;
  }

  /** One assignment: every request routed after this line sees the new weight. */
  setWeight(percent: number): void {
    if (!this.canary) throw new Error('no canary attached');
    this.weight = Math.max(0, Math.min(100, percent));
    this.record('weight', `${this.canary.colour} ${this.weight}%`);
  }

  /** All traffic back to the stable version; the canary is detached. */
  rollback(reason: string): void {
    if (!this.canary) return;
    this.weight = 0;
    this.record('rollback', `${this.canary.colour} detached: ${reason}`);
    this.canary = undefined;
    this.onCanaryError = undefined;
  }

  /** The canary becomes the stable version; returns the old one, to be drained. */
  promote(): Upstream {
    if (!this.canary || this.weight !== 100) throw new Error('promote needs the canary at 100%');
    const previous = this.stable;
    this.stable = this.canary;
    this.canary = undefined;
    this.weight = 0;
    this.onCanaryError = undefined;
    this.record('promote', `${this.stable.colour} is stable`);
    return previous;
  }

  private record(kind: SwitcherEvent['kind'], detail: string): void {
    this.events.push({ at: Date.now(), kind, detail });
  }

  /**
   * Deterministic weighting (request n goes to the canary when n mod 100 < weight), so 10%
   * is exactly 10 of every 100 requests rather than a random draw.
   */
  private pick(): Upstream {
    const n = this.counter++ % 100;
    return this.canary && n < this.weight ? this.canary : this.stable;
  }

  private forward(request: FastifyRequest, reply: FastifyReply, forced?: Upstream): void {
    const upstream = forced ?? this.pick();
    const stats = this.statsOf(upstream.url);
    stats.inFlight++;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      stats.inFlight--;
    };
    reply.raw.once('close', settle);
    const body = request.body;
    reply.from(undefined, {
      getUpstream: () => upstream.url,
      // The raw bytes as received, with their own content type (reply-from would re-encode a parsed JSON body).
      ...(Buffer.isBuffer(body) ? { body, contentType: request.headers['content-type'] ?? 'application/octet-stream' } : {}),
      rewriteHeaders: (headers) => {
        stats.served++;
        return { ...headers, 'x-served-by': upstream.colour };
      },
      onError: (failed, { error }) => {
        settle();
        const replayable = upstream !== this.stable && !forced && mayReplay(request.method, request.headers, error);
        this.record('upstream-error', `${upstream.colour} ${request.method} ${request.url}: ${errorCode(error) ?? (error as Error).message}${replayable ? ' (replayed on stable)' : ''}`);
        if (upstream !== this.stable) this.onCanaryError?.(error);
        if (replayable) {
          stats.retriedElsewhere++;
          this.forward(request, failed as FastifyReply, this.stable);
          return;
        }
        void failed.code(502).type('application/problem+json').send({ type: 'about:blank', title: 'Bad Gateway', status: 502, detail: 'El servicio no respondió; intentá de nuevo.' });
      },
    });
  }
}
