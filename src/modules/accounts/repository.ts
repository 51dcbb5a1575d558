import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, User } from '../../platform/db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;

/** The account fields a user can rectify themselves. */
export interface ProfileChange {
  full_name?: string;
  phone?: string | null;
  email?: string;
}

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

  /** Runs `work` in one transaction (sign-up writes the account and its consents together). */
  transaction<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  /** Returns undefined when the email is already registered. */
  async insertUser(user: NewUser, db: Executor = this.db): Promise<User | undefined> {
    return db
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

  /**
   * Applies a rectification. Returns 'email_taken' (and changes nothing) when the new email
   * belongs to another account.
   */
  async updateProfile(trx: Transaction<DB>, userId: string, change: ProfileChange, now: Date): Promise<'updated' | 'email_taken' | 'not_found'> {
    if (change.email !== undefined) {
      const other = await trx
        .selectFrom('users')
        .select('id')
        .where((eb) => eb(eb.fn('lower', ['email']), '=', change.email!.toLowerCase()))
        .where('id', '!=', userId)
        .executeTakeFirst();
      if (other) return 'email_taken';
    }
    const updated = await trx
      .updateTable('users')
      .set({ ...change, updated_at: now })
      .where('id', '=', userId)
      .where('deleted_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    return updated ? 'updated' : 'not_found';
  }

  /**
   * Replaces the account's personal data with placeholders and makes it unusable: the email
   * becomes a unique address under the reserved .invalid domain (RFC 2606, never routable),
   * the phone goes, and the password hash is replaced by a value no password verifies against.
   */
  async anonymizeUser(trx: Transaction<DB>, userId: string, now: Date): Promise<void> {
    await trx
      .updateTable('users')
      .set({
        full_name: 'Usuario eliminado',
        email: `eliminado-${userId}@eliminado.barberpro.invalid`,
        phone: null,
        password_hash: '!deleted',
        deleted_at: now,
        updated_at: now,
      })
      .where('id', '=', userId)
      .execute();
    await trx.updateTable('refresh_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
  }

  /** Leaves the shops a deleted provider belonged to; the shops (and their records) stay. */
  async removeMemberships(trx: Transaction<DB>, userId: string): Promise<void> {
    await trx.deleteFrom('shop_members').where('user_id', '=', userId).execute();
    await trx.updateTable('barbers').set({ user_id: null }).where('user_id', '=', userId).execute();
  }
}
