import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import type { DB } from '../../platform/db/schema.js';
import { certificateFingerprint, WsaaClient, WsaaTicketCache, WsfeClient, type LoginTicket, type WsaaTicketStore, type WsfeAuth } from './afip/index.js';
import type { InvoicingRepository } from './repository.js';

export const WSFE_SERVICE = 'wsfe';

const sealContext = (key: string, part: 'token' | 'sign') => `afip_tickets.${part}:${key}`;

/**
 * WSAA tickets in PostgreSQL, sealed: every instance reads the ticket another one obtained,
 * since WSAA refuses a second login for the same certificate while one is valid.
 */
export class DatabaseTicketStore implements WsaaTicketStore {
  constructor(
    private readonly repo: InvoicingRepository,
    private readonly box: SecretBox,
  ) {}

  async get(key: string): Promise<LoginTicket | null> {
    const row = await this.repo.ticket(key);
    if (!row) return null;
    return {
      token: this.box.decrypt(row.token_sealed, sealContext(key, 'token')),
      sign: this.box.decrypt(row.sign_sealed, sealContext(key, 'sign')),
      generationTime: row.updated_at,
      expirationTime: row.expires_at,
    };
  }

  async set(key: string, ticket: LoginTicket): Promise<void> {
    await this.repo.saveTicket(key, this.box.encrypt(ticket.token, sealContext(key, 'token')), this.box.encrypt(ticket.sign, sealContext(key, 'sign')), ticket.expirationTime);
  }

  async delete(key: string): Promise<void> {
    await this.repo.deleteTicket(key);
  }
}

export interface ShopCredentials {
  certPem: string;
  keyPem: string;
  /** The CUIT vouchers are issued for. */
  cuit: string;
}

export interface AfipGatewayOptions {
  db: Kysely<DB>;
  repo: InvoicingRepository;
  box: SecretBox;
  wsaaUrl: string;
  wsfeUrl: string;
  timeoutMs: number;
  clock: Clock;
  /** Single-connection databases (PGlite) cannot hold a lock while querying elsewhere. */
  singleConnection: boolean;
  log?: (fields: Record<string, unknown>, message: string) => void;
}

/**
 * The AFIP side of issuing: WSFEv1, and WSFEv1 credentials from WSAA tickets shared through the
 * database. Logins for one certificate are serialised across instances with an advisory lock,
 * so the second instance finds the first one's ticket instead of hitting alreadyAuthenticated.
 */
export class AfipGateway {
  readonly wsfe: WsfeClient;
  private readonly cache: WsaaTicketCache;
  private readonly store: DatabaseTicketStore;
  private readonly renewBeforeMs = 5 * 60_000;

  constructor(private readonly options: AfipGatewayOptions) {
    this.wsfe = new WsfeClient({ url: options.wsfeUrl, timeoutMs: options.timeoutMs });
    this.store = new DatabaseTicketStore(options.repo, options.box);
    const warn = options.log;
    this.cache = new WsaaTicketCache({
      client: new WsaaClient({ url: options.wsaaUrl, timeoutMs: options.timeoutMs }),
      clock: options.clock,
      store: this.store,
      renewBeforeMs: this.renewBeforeMs,
      ...(warn ? { logger: { warn: (fields, message) => warn(fields, message) } } : {}),
    });
  }

  get logins(): number {
    return this.cache.logins;
  }

  async auth(credentials: ShopCredentials): Promise<WsfeAuth> {
    const input = { certPem: credentials.certPem, keyPem: credentials.keyPem, service: WSFE_SERVICE };
    // A ticket this instance holds needs no cross-instance lock: only logins are serialised.
    const held = this.cache.fresh(credentials.certPem, WSFE_SERVICE);
    if (held) return { token: held.token, sign: held.sign, cuit: credentials.cuit };
    const ticket = this.options.singleConnection
      ? await this.cache.getTicket(input)
      : await this.options.db.transaction().execute(async (trx) => {
          const key = WsaaTicketCache.key(certificateFingerprint(credentials.certPem), WSFE_SERVICE);
          await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
          return this.cache.getTicket(input);
        });
    return { token: ticket.token, sign: ticket.sign, cuit: credentials.cuit };
  }

  /** WSFEv1 refused the ticket (600): forget it here and in the store, so the next call logs in again. */
  async invalidate(certPem: string): Promise<void> {
    this.cache.invalidate(certPem, WSFE_SERVICE);
    await this.store.delete(WsaaTicketCache.key(certificateFingerprint(certPem), WSFE_SERVICE));
  }
}
