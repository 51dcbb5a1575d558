import { randomUUID } from 'node:crypto';
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
}

export class AccountsService {
  constructor(
    private readonly repo: AccountsRepository,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly refreshTtlDays: number,
    private readonly throttle: LoginThrottle,
  ) {}

  async register(input: RegisterInput): Promise<Session> {
    const passwordHash = await hashPassword(input.password);
    const user = await this.repo.insertUser({
      email: input.email,
      password_hash: passwordHash,
      full_name: input.fullName,
      phone: input.phone ?? null,
      role: input.role,
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
    if (!user) throw problems.unauthorized();
    return this.openSession(user.id, user.role, consumed.family_id);
  }

  async logout(refreshToken: string): Promise<void> {
    const known = await this.repo.findRefreshToken(hashRefreshToken(refreshToken));
    if (known) await this.repo.revokeFamily(known.family_id, this.clock.now());
  }

  async me(userId: string): Promise<Me> {
    const user = await this.repo.findUserById(userId);
    if (!user) throw problems.unauthorized();
    const shops = user.role === 'provider' ? await this.repo.shopMemberships(user.id) : [];
    return {
      id: user.id,
      email: user.email,
      fullName: user.full_name,
      phone: user.phone,
      role: user.role,
      shops,
      createdAt: user.created_at.toISOString(),
    };
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
