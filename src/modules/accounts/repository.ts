import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { PersonalDataCipher } from '../../platform/crypto/personal-data.js';
import { contextOf } from '../../platform/crypto/sealed-columns.js';
import type { DB, User } from '../../platform/db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;

/** The account fields a user can rectify themselves. */
export interface ProfileChange {
  full_name?: string;
  phone?: string | null;
  email?: string;
}

export type NewUser = Pick<User, 'email' | 'password_hash' | 'full_name' | 'phone' | 'role'>;

/** users.phone is sealed at rest: written sealed with its keyed hash, opened on every read. */
export class AccountsRepository {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly personalData: PersonalDataCipher,
  ) {}

  async findUserByEmail(email: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
      .executeTakeFirst();
    return row && this.opened(row);
  }

  async findUserById(id: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.opened(row);
  }

  /** Accounts whose phone has these digits (an equality match on the keyed hash, never on plaintext). */
  async findUserIdsByPhone(phone: string): Promise<string[]> {
    const hash = this.personalData.keyedHash('phone', phone);
    if (!hash) return [];
    const rows = await this.db.selectFrom('users').select('id').where('phone_hash', '=', hash).execute();
    return rows.map((r) => r.id);
  }

  /** Runs `work` in one transaction (sign-up writes the account and its consents together). */
  transaction<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  /** Returns undefined when the email is already registered. */
  async insertUser(user: NewUser, db: Executor = this.db): Promise<User | undefined> {
    // The id is chosen here because the sealed phone is bound to it (its encryption context).
    const id = randomUUID();
    const row = await db
      .insertInto('users')
      .values({
        ...user,
        id,
        phone: this.personalData.sealNullable(user.phone, contextOf('users', 'phone', id)),
        phone_hash: this.personalData.keyedHash('phone', user.phone),
      })
      .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
      .returningAll()
      .executeTakeFirst();
    return row && this.opened(row);
  }

  private opened(row: User): User {
    return { ...row, phone: this.personalData.openNullable(row.phone, contextOf('users', 'phone', row.id)) };
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
    // A session issued is the account in use: the retention job never purges it as unused.
    await this.db.updateTable('users').set({ last_active_at: sql`now()` }).where('id', '=', row.userId).execute();
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
    const { phone, ...plain } = change;
    // A new phone is stored like a first one: sealed under the row's id, with its keyed hash.
    const sealedPhone =
      phone === undefined ? {} : { phone: this.personalData.sealNullable(phone, contextOf('users', 'phone', userId)), phone_hash: this.personalData.keyedHash('phone', phone) };
    const updated = await trx
      .updateTable('users')
      .set({ ...plain, ...sealedPhone, updated_at: now })
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
        phone_hash: null,
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
