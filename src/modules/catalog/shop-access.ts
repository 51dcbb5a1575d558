import type { Principal } from '../../platform/http/access.js';
import { problems } from '../../platform/http/problem.js';
import type { CatalogRepository } from './repository.js';

export type ShopRole = 'owner' | 'barber' | 'admin';

/**
 * Resource-level authorization for a shop: admins act on every shop, owners manage
 * their shop, barbers work their own agenda in it. Everyone else is refused.
 */
export class ShopAccess {
  constructor(private readonly repo: CatalogRepository) {}

  async roleIn(principal: Principal, shopId: string): Promise<ShopRole | undefined> {
    if (principal.role === 'admin') return 'admin';
    if (principal.role !== 'provider') return undefined;
    return this.repo.membership(principal.userId, shopId);
  }

  /** Owner or admin: catalog, prices, policies, every barber's schedule. */
  async assertCanManage(principal: Principal, shopId: string): Promise<ShopRole> {
    const role = await this.roleIn(principal, shopId);
    if (role === 'owner' || role === 'admin') return role;
    throw problems.forbidden('Solo el dueño de la barbería puede hacer esto.');
  }

  /** Any member (owner, barber) or admin: the shop's agenda. */
  async assertMember(principal: Principal, shopId: string): Promise<ShopRole> {
    const role = await this.roleIn(principal, shopId);
    if (role) return role;
    throw problems.forbidden('No formás parte de esta barbería.');
  }
}
