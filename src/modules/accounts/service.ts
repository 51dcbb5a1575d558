import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { Clock } from '../../platform/clock.js';
import type { Role } from '../../platform/http/access.js';
import { ProblemError, problems } from '../../platform/http/problem.js';
import type { LoginThrottle } from './login-throttle.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.js';
import type { AccountsRepository } from './repository.js';
import type { Me, Session } from './schemas.js';
import { hashRefreshToken, newRefreshToken, type TokenService } from './tokens.js';

export interface RegisterInput {
  email: string;
  password: string;
  fullName: string;
  phone?: string | undefined;
  role: 'customer' | 'provider';
  /** The sign-up form's acceptance of the current terms and privacy notice (required). */
  acceptTerms: true;
  marketingOptIn?: boolean | undefined;
}

export interface PendingConsent {
  document: 'terms' | 'privacy_notice';
  version: string;
  effectiveDate: string;
}

/** Consent records, kept by the privacy module; the account only asks for them. */
export interface AccountConsents {
  /** Runs inside the sign-up transaction: no account exists without its recorded acceptance. */
  recordSignUp(trx: Transaction<DB>, userId: string, choices: { marketingOptIn: boolean }): Promise<void>;
  /** Versions in force the user has not accepted yet. */
  pending(userId: string): Promise<PendingConsent[]>;
}

export class AccountsService {
  constructor(
    private readonly repo: AccountsRepository,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly refreshTtlDays: number,
    private readonly throttle: LoginThrottle,
  ) {}

  private consents: AccountConsents | undefined;

  useConsents(consents: AccountConsents): void {
    this.consents = consents;
  }

  async register(input: RegisterInput): Promise<Session> {
    if (input.acceptTerms !== true) throw problems.badRequest('terms_not_accepted', 'Para crear la cuenta tenés que aceptar los términos y la política de privacidad.');
    const passwordHash = await hashPassword(input.password);
    const user = await this.repo.transaction(async (trx) => {
      const inserted = await this.repo.insertUser(
        { email: input.email, password_hash: passwordHash, full_name: input.fullName, phone: input.phone ?? null, role: input.role },
        trx,
      );
      if (inserted) await this.consents?.recordSignUp(trx, inserted.id, { marketingOptIn: input.marketingOptIn ?? false });
      return inserted;
    });
    if (!user) throw problems.conflict('email_taken', 'Ya existe una cuenta con ese email.');
    return this.openSession(user.id, user.role, randomUUID());
  }

  async login(email: string, password: string, ip: string): Promise<Session> {
    const lockedFor = await this.throttle.lockedFor(email, ip);
    if (lockedFor > 0)
      throw new ProblemError(429, 'login_locked', 'Demasiados intentos', `Por seguridad, esperá ${Math.ceil(lockedFor / 60)} minutos antes de volver a intentar.`, {
        retryAfterSeconds: lockedFor,
      });
    const user = await this.repo.findUserByEmail(email);
    const valid = user ? await verifyPassword(user.password_hash, password) : (await burnPasswordCheck(password), false);
    if (!user || !valid) {
      await this.throttle.recordFailure(email, ip);
      throw invalidCredentials();
    }
    await this.throttle.recordSuccess(email, ip);
    return this.openSession(user.id, user.role, randomUUID());
  }

  /**
   * Rotates the refresh token. Presenting one that was already used means it leaked:
   * the whole session family is revoked, so the thief and the victim both log in again.
   */
  async refresh(refreshToken: string): Promise<Session> {
    const now = this.clock.now();
    const tokenHash = hashRefreshToken(refreshToken);
    const consumed = await this.repo.consumeRefreshToken(tokenHash, now);
    if (!consumed) {
      const known = await this.repo.findRefreshToken(tokenHash);
      if (known?.used_at) await this.repo.revokeFamily(known.family_id, now);
      throw problems.unauthorized('La sesión expiró. Iniciá sesión de nuevo.');
    }
    const user = await this.repo.findUserById(consumed.user_id);
    if (!user || user.deleted_at) throw problems.unauthorized();
    return this.openSession(user.id, user.role, consumed.family_id);
  }

  async logout(refreshToken: string): Promise<void> {
    const known = await this.repo.findRefreshToken(hashRefreshToken(refreshToken));
    if (known) await this.repo.revokeFamily(known.family_id, this.clock.now());
  }

  async me(userId: string): Promise<Me> {
    const user = await this.repo.findUserById(userId);
    // A deleted account's access tokens may live a few more minutes; they open nothing here.
    if (!user || user.deleted_at) throw problems.unauthorized();
    const [shops, pendingConsents] = await Promise.all([
      user.role === 'provider' ? this.repo.shopMemberships(user.id) : [],
      this.consents ? this.consents.pending(user.id) : [],
    ]);
    return {
      id: user.id,
      email: user.email,
      fullName: user.full_name,
      phone: user.phone,
      role: user.role,
      shops,
      pendingConsents,
      createdAt: user.created_at.toISOString(),
    };
  }

  /** Re-authentication before a sensitive change (email, deletion). */
  async passwordMatches(userId: string, password: string): Promise<boolean> {
    const user = await this.repo.findUserById(userId);
    if (!user || user.deleted_at) return false;
    return verifyPassword(user.password_hash, password);
  }

  private async openSession(userId: string, role: Role, familyId: string): Promise<Session> {
    const now = this.clock.now();
    const access = await this.tokens.issueAccessToken({ userId, role }, now);
    const refreshToken = newRefreshToken();
    await this.repo.insertRefreshToken({
      userId,
      familyId,
      tokenHash: hashRefreshToken(refreshToken),
      expiresAt: new Date(now.getTime() + this.refreshTtlDays * 86_400_000),
    });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken,
      tokenType: 'Bearer',
      user: await this.me(userId),
    };
  }
}

function invalidCredentials() {
  return problems.unauthorized('Email o contraseña incorrectos.');
}
