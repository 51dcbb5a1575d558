import { sql, type Kysely } from 'kysely';
import type { DB, User } from '../../platform/db/schema.js';

export type NewUser = Pick<User, 'email' | 'password_hash' | 'full_name' | 'phone' | 'role'>;

export class AccountsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  findUserByEmail(email: string): Promise<User | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
      .executeTakeFirst();
  }

  findUserById(id: string): Promise<User | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Returns undefined when the email is already registered. */
  async insertUser(user: NewUser): Promise<User | undefined> {
    return this.db
      .insertInto('users')
      .values(user)
      .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  async shopMemberships(userId: string): Promise<Array<{ shopId: string; role: 'owner' | 'barber'; shopName: string }>> {
    const rows = await this.db
      .selectFrom('shop_members')
      .innerJoin('shops', 'shops.id', 'shop_members.shop_id')
      .select(['shop_members.shop_id', 'shop_members.role', 'shops.name'])
      .where('shop_members.user_id', '=', userId)
      .orderBy('shops.name')
      .execute();
    return rows.map((r) => ({ shopId: r.shop_id, role: r.role, shopName: r.name }));
  }

  async insertRefreshToken(row: { userId: string; familyId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
    await this.db
      .insertInto('refresh_tokens')
      .values({ user_id: row.userId, family_id: row.familyId, token_hash: row.tokenHash, expires_at: row.expiresAt })
      .execute();
  }

  /**
   * Marks a refresh token used, atomically: of two concurrent refreshes with the same
   * token only one gets the row back.
   */
  async consumeRefreshToken(tokenHash: string, now: Date) {
    return this.db
      .updateTable('refresh_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['user_id', 'family_id'])
      .executeTakeFirst();
  }

  findRefreshToken(tokenHash: string) {
    return this.db
      .selectFrom('refresh_tokens')
      .select(['user_id', 'family_id', 'used_at', 'revoked_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  async revokeFamily(familyId: string, now: Date): Promise<void> {
    await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute();
  }
}
