import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../platform/clock.js';
import { RETENTION_KINDS, retentionCutoff, type RetentionKind } from './policy.js';
import type { RetentionRepository } from './repository.js';

export interface RetentionRun {
  id: string;
  startedAt: Date;
  finishedAt: Date;
  /** Records removed or anonymised per kind (outbox files counted with notification_payloads). */
  counts: Record<RetentionKind, number>;
  /** Kinds that failed this run, with the reason; the other kinds still ran. */
  errors: Partial<Record<RetentionKind, string>>;
}

/**
 * Purges or anonymises what is past retention (policy.ts), and records every run in
 * retention_runs so `data-protection-check` can tell when it last ran. Idempotent: a retry, or
 * two instances running the same tick, converge on the same result.
 */
export class RetentionService {
  constructor(
    private readonly repo: RetentionRepository,
    private readonly clock: Clock,
    /** The development email outbox (DATA_DIR/outbox); absent when mail goes out by SMTP. */
    private readonly outboxDir?: string,
  ) {}

  async run(): Promise<RetentionRun> {
    const startedAt = this.clock.now();
    const id = await this.repo.startRun(startedAt);
    const counts = Object.fromEntries(RETENTION_KINDS.map((k) => [k, 0])) as Record<RetentionKind, number>;
    const errors: Partial<Record<RetentionKind, string>> = {};
    const steps: Record<RetentionKind, (before: Date) => Promise<number>> = {
      expired_holds: (b) => this.repo.deleteExpiredHolds(b),
      unused_accounts: (b) => this.repo.deleteUnusedAccounts(b),
      idempotency_responses: (b) => this.repo.deleteIdempotencyResponses(b),
      notification_payloads: async (b) => (await this.repo.clearNotificationPayloads(b)) + (await this.purgeOutboxFiles(b)),
      webhook_notifications: (b) => this.repo.deleteProcessedWebhooks(b),
      expired_refresh_tokens: (b) => this.repo.deleteExpiredRefreshTokens(b),
    };
    for (const kind of RETENTION_KINDS) {
      try {
        counts[kind] = await steps[kind](retentionCutoff(kind, startedAt));
      } catch (error) {
        // The message names the constraint or table; never row contents.
        errors[kind] = error instanceof Error ? error.message : String(error);
      }
    }
    const finishedAt = this.clock.now();
    await this.repo.finishRun(id, finishedAt, counts, errors);
    return { id, startedAt, finishedAt, counts, errors };
  }

  /** .eml files the development outbox wrote before the cutoff (their content is the whole message). */
  private async purgeOutboxFiles(before: Date): Promise<number> {
    if (!this.outboxDir) return 0;
    let names: string[];
    try {
      names = await readdir(this.outboxDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let removed = 0;
    for (const name of names.filter((n) => n.endsWith('.eml'))) {
      const file = join(this.outboxDir, name);
      if ((await stat(file)).mtime < before) {
        await unlink(file);
        removed++;
      }
    }
    return removed;
  }
}
