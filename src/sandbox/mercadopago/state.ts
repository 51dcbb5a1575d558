import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Centavos } from '../../modules/payments/mercadopago/money.js';

/**
 * The sandbox's memory. Amounts are kept in centavos and turned into MercadoPago's decimal
 * pesos only when written on the wire, like the real thing is presumed to do with its own
 * fixed-point storage.
 */

export interface StoredItem {
  id: string | null;
  title: string;
  description: string | null;
  quantity: number;
  unitPrice: Centavos;
}

export interface StoredPreference {
  id: string;
  collectorId: number;
  items: StoredItem[];
  payer: Record<string, unknown> | null;
  backUrls: { success?: string; failure?: string; pending?: string };
  autoReturn: string | null;
  notificationUrl: string | null;
  externalReference: string | null;
  marketplaceFee: Centavos;
  expires: boolean;
  expirationDateFrom: string | null;
  expirationDateTo: string | null;
  binaryMode: boolean;
  statementDescriptor: string | null;
  metadata: Record<string, unknown>;
  dateCreated: string;
}

export interface StoredRefund {
  id: number;
  amount: Centavos;
  dateCreated: string;
}

export interface StoredEvent {
  /** The notification's own id (body `id`); redeliveries of one event keep it. */
  id: number;
  action: 'payment.created' | 'payment.updated';
  dateCreated: string;
}

export interface StoredPayment {
  id: number;
  preferenceId: string;
  collectorId: number;
  status: string;
  statusDetail: string;
  externalReference: string | null;
  amount: Centavos;
  refunded: Centavos;
  marketplaceFee: Centavos;
  fees: Array<{ type: 'mercadopago_fee' | 'application_fee'; amount: Centavos; fee_payer: 'collector' }>;
  refunds: StoredRefund[];
  dateCreated: string;
  dateApproved: string | null;
  dateLastUpdated: string;
  description: string;
  paymentMethodId: string;
  cardholderName: string;
  cardFirstSix: string;
  cardLastFour: string;
  payer: Record<string, unknown> | null;
  metadata: Record<string, unknown>;
  notificationUrl: string | null;
  events: StoredEvent[];
}

export interface StoredToken {
  userId: number;
  clientId: string | null;
  /** Epoch ms; null never expires (configured seller tokens). */
  expiresAt: number | null;
}

export interface StoredRefreshToken {
  userId: number;
  clientId: string;
}

export interface StoredCode {
  userId: number;
  clientId: string;
  redirectUri: string;
  expiresAt: number;
}

export interface StoredIdempotentResponse {
  fingerprint: string;
  status: number;
  body: unknown;
}

export class SandboxState {
  nextPaymentId = 1_320_000_001;
  nextRefundId = 2_100_000_001;
  nextEventId = 118_000_000_001;
  nextUserId = 1_900_000_001;
  // Maps, not objects: keys come from requests and must never reach a prototype.
  readonly preferences = new Map<string, StoredPreference>();
  readonly payments = new Map<number, StoredPayment>();
  readonly tokens = new Map<string, StoredToken>();
  readonly refreshTokens = new Map<string, StoredRefreshToken>();
  readonly codes = new Map<string, StoredCode>();
  /** Keyed by `${collectorId}:${X-Idempotency-Key}`. */
  readonly idempotency = new Map<string, StoredIdempotentResponse>();

  toJSON(): unknown {
    return {
      version: 1,
      nextPaymentId: this.nextPaymentId,
      nextRefundId: this.nextRefundId,
      nextEventId: this.nextEventId,
      nextUserId: this.nextUserId,
      preferences: [...this.preferences.values()],
      payments: [...this.payments.values()],
      tokens: [...this.tokens.entries()],
      refreshTokens: [...this.refreshTokens.entries()],
      codes: [...this.codes.entries()],
      idempotency: [...this.idempotency.entries()],
    };
  }

  static fromJSON(raw: unknown): SandboxState {
    const data = raw as {
      version?: number;
      nextPaymentId: number;
      nextRefundId: number;
      nextEventId: number;
      nextUserId: number;
      preferences: StoredPreference[];
      payments: StoredPayment[];
      tokens: Array<[string, StoredToken]>;
      refreshTokens: Array<[string, StoredRefreshToken]>;
      codes: Array<[string, StoredCode]>;
      idempotency: Array<[string, StoredIdempotentResponse]>;
    };
    if (data?.version !== 1) throw new Error('Unknown MercadoPago sandbox state file version');
    const state = new SandboxState();
    state.nextPaymentId = data.nextPaymentId;
    state.nextRefundId = data.nextRefundId;
    state.nextEventId = data.nextEventId;
    state.nextUserId = data.nextUserId;
    for (const p of data.preferences) state.preferences.set(p.id, p);
    for (const p of data.payments) state.payments.set(p.id, p);
    for (const [k, v] of data.tokens) state.tokens.set(k, v);
    for (const [k, v] of data.refreshTokens) state.refreshTokens.set(k, v);
    for (const [k, v] of data.codes) state.codes.set(k, v);
    for (const [k, v] of data.idempotency) state.idempotency.set(k, v);
    return state;
  }
}

export async function loadState(file: string): Promise<SandboxState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new SandboxState();
    throw error;
  }
  try {
    return SandboxState.fromJSON(JSON.parse(text));
  } catch (error) {
    throw new Error(`The MercadoPago sandbox state file ${file} cannot be read (${(error as Error).message}); move it away to start empty`, { cause: error });
  }
}

/** Writes one snapshot at a time, each atomically (temporary file, then rename). */
export class StateWriter {
  private chain: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly state: SandboxState,
    private readonly onError: (error: unknown) => void,
  ) {}

  schedule(): void {
    if (this.dirty) return; // a queued write will pick up this change too
    this.dirty = true;
    this.chain = this.chain.then(async () => {
      this.dirty = false;
      try {
        await mkdir(dirname(this.file), { recursive: true });
        const tmp = `${this.file}.${process.pid}.tmp`;
        await writeFile(tmp, JSON.stringify(this.state.toJSON()));
        await rename(tmp, this.file);
      } catch (error) {
        this.onError(error);
      }
    });
  }

  flush(): Promise<void> {
    return this.chain;
  }
}
