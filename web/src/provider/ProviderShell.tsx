import { useQuery } from '@tanstack/react-query';
import { Navigate, NavLink, Outlet, useLocation, useNavigate, useOutletContext, useParams } from 'react-router';
import { api } from '../api/client';
import type { GetShopsShopIdResponse } from '../api/types.gen';
import { useAuth } from '../auth/session';
import { Empty, ErrorState, Loading } from '../ui/components';
import './provider.css';

export interface ShopContext {
  shopId: string;
  role: 'owner' | 'barber';
  shop: GetShopsShopIdResponse;
}

/** The shop the provider is working on, for every page under /panel/:shopId. */
export function useShopContext(): ShopContext {
  return useOutletContext<ShopContext>();
}

export function useShopDetail(shopId: string) {
  return useQuery({ queryKey: ['provider', shopId, 'shop'], queryFn: () => api('GET /api/v1/shops/{shopId}', { params: { shopId } }) });
}

/** /panel: straight to the first shop, or a clear message for a provider without one. */
export function PanelHome() {
  const { user } = useAuth();
  const first = user?.shops[0];
  if (!user) return <Loading />;
  if (!first)
    return (
      <section className="narrow">
        <h1>Mi barbería</h1>
        <Empty>Tu cuenta todavía no está asociada a ninguna barbería. Pedile al dueño que te sume como barbero.</Empty>
      </section>
    );
  return <Navigate to={`/panel/${first.shopId}/agenda`} replace />;
}

const TABS: Array<{ to: string; label: string; ownerOnly?: boolean }> = [
  { to: 'agenda', label: 'Agenda' },
  { to: 'servicios', label: 'Servicios y precios', ownerOnly: true },
  { to: 'horarios', label: 'Horarios' },
  { to: 'ajustes', label: 'Ajustes', ownerOnly: true },
  { to: 'numeros', label: 'Ingresos y ocupación', ownerOnly: true },
  { to: 'opiniones', label: 'Opiniones' },
];

export function ProviderShell() {
  const { shopId = '' } = useParams();
  const { user } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const shop = useShopDetail(shopId);
  const membership = user?.shops.find((s) => s.shopId === shopId);

  if (!user) return <Loading />;
  if (!membership)
    return (
      <section className="narrow" role="alert">
        <h1>No formás parte de esta barbería</h1>
        <p>Elegí una de tus barberías desde el menú.</p>
      </section>
    );

  const tab = location.pathname.split('/')[3] ?? 'agenda';
  const tabs = TABS.filter((t) => !t.ownerOnly || membership.role === 'owner');

  return (
    <div className="panel">
      <div className="panel-head">
        {user.shops.length > 1 ? (
          <label className="shop-switcher">
            <span className="field-label">Barbería</span>
            <select value={shopId} onChange={(e) => navigate(`/panel/${e.target.value}/${tab}`)}>
              {user.shops.map((s) => (
                <option key={s.shopId} value={s.shopId}>
                  {s.shopName}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <p className="panel-shop-name">{membership.shopName}</p>
        )}
        <span className="badge">{membership.role === 'owner' ? 'Dueño' : 'Barbero'}</span>
      </div>
      <nav aria-label="Secciones de la barbería" className="panel-tabs">
        {tabs.map((t) => (
          <NavLink key={t.to} to={t.to}>
            {t.label}
          </NavLink>
        ))}
      </nav>
      {shop.isPending ? (
        <Loading />
      ) : shop.isError ? (
        <ErrorState error={shop.error} onRetry={() => void shop.refetch()} />
      ) : (
        <Outlet context={{ shopId, role: membership.role, shop: shop.data } satisfies ShopContext} />
      )}
    </div>
  );
}

/** Shown by owner-only pages to a barber who typed the address. */
export function OwnerOnly() {
  return (
    <div className="state state-error" role="alert">
      Solo el dueño de la barbería puede ver esta sección.
    </div>
  );
}
