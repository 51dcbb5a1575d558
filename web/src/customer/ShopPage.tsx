import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import { Empty, ErrorState, Loading } from '../ui/components';
import { formatCentavos, formatDate } from '../ui/format';
import { formatDuration, formatRating, type Shop } from './shared';

export function useShop(shopId: string | undefined) {
  return useQuery({ queryKey: ['shop', shopId], queryFn: () => api('GET /api/v1/shops/{shopId}', { params: { shopId: shopId! } }), enabled: Boolean(shopId) });
}

export function ShopPage() {
  const { shopId } = useParams();
  const shop = useShop(shopId);
  if (shop.isPending) return <Loading label="Cargando la barbería…" />;
  if (shop.isError) return <ErrorState error={shop.error} onRetry={() => void shop.refetch()} />;
  return <ShopDetail shop={shop.data} />;
}

function ShopDetail({ shop }: { shop: Shop }) {
  const services = shop.services.filter((s) => s.active);
  const barbers = shop.barbers.filter((b) => b.active);
  return (
    <div className="customer">
      <p>
        <Link to={`/?ciudad=${encodeURIComponent(shop.city)}`}>← Barberías en {shop.city}</Link>
      </p>
      <header className="shop-header">
        <h1>{shop.name}</h1>
        <p>
          <span aria-hidden="true">★ </span>
          {formatRating(shop.rating.average, shop.rating.count)}
        </p>
        <address>
          {shop.address}, {shop.city}, {shop.province}
        </address>
        {shop.phone ? (
          <p>
            Teléfono: <a href={`tel:${shop.phone.replace(/[^+\d]/g, '')}`}>{shop.phone}</a>
          </p>
        ) : null}
        {shop.description ? <p className="muted">{shop.description}</p> : null}
        <p className="muted">Cancelación sin cargo hasta {formatDuration(shop.policies.cancellationCutoffMinutes)} antes del turno.</p>
      </header>

      <section aria-labelledby="services-title">
        <h2 id="services-title">Servicios</h2>
        {services.length === 0 ? (
          <Empty>Esta barbería todavía no publicó servicios.</Empty>
        ) : (
          <ul className="service-list">
            {services.map((s) => (
              <li key={s.id} className="card service-card">
                <div>
                  <h3>{s.name}</h3>
                  {s.description ? <p className="muted">{s.description}</p> : null}
                  <p>
                    <strong className="price">{formatCentavos(s.price.amountCents)}</strong> · {formatDuration(s.durationMinutes)}
                  </p>
                  {s.deposit.amount.amountCents > 0 ? <p className="muted">Seña para reservar: {formatCentavos(s.deposit.amount.amountCents)}</p> : null}
                </div>
                <Link className="button" to={`/barberias/${shop.id}/reservar?servicio=${s.id}`} aria-label={`Reservar ${s.name}`}>
                  Reservar
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="barbers-title">
        <h2 id="barbers-title">Barberos</h2>
        {barbers.length === 0 ? (
          <Empty>No hay barberos disponibles.</Empty>
        ) : (
          <ul className="chip-list">
            {barbers.map((b) => (
              <li key={b.id} className="chip" title={b.bio || undefined}>
                {b.displayName}
              </li>
            ))}
          </ul>
        )}
      </section>

      <Reviews shop={shop} />
    </div>
  );
}

function Reviews({ shop }: { shop: Shop }) {
  const reviews = useQuery({
    queryKey: ['reviews', shop.id],
    queryFn: () => api('GET /api/v1/shops/{shopId}/reviews', { params: { shopId: shop.id }, query: { pageSize: 10 } }),
  });
  return (
    <section aria-labelledby="reviews-title" aria-busy={reviews.isPending}>
      <h2 id="reviews-title">Reseñas</h2>
      {reviews.isPending ? (
        <Loading label="Cargando reseñas…" />
      ) : reviews.isError ? (
        <ErrorState error={reviews.error} onRetry={() => void reviews.refetch()} />
      ) : reviews.data.items.length === 0 ? (
        <Empty>Todavía no hay reseñas. ¡Reservá y sé el primero en opinar!</Empty>
      ) : (
        <ul className="stack review-list">
          {reviews.data.items.map((r) => (
            <li key={r.id} className="card">
              <p>
                <span className="stars" role="img" aria-label={`${r.rating} de 5 estrellas`}>
                  {'★'.repeat(r.rating)}
                  {'☆'.repeat(5 - r.rating)}
                </span>{' '}
                <strong>{r.customerName}</strong> · con {r.barberName}
              </p>
              {r.comment ? <p>{r.comment}</p> : null}
              <p className="muted small">{formatDate(r.createdAt, shop.timezone)}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
