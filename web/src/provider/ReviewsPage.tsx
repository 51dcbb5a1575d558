import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { Empty, ErrorState, Loading, PageTitle } from '../ui/components';
import { formatDate } from '../ui/format';
import { useShopContext } from './ProviderShell';

const PAGE_SIZE = 20;

export function ReviewsPage() {
  const { shopId, shop } = useShopContext();
  const [page, setPage] = useState(1);
  const reviews = useQuery({
    queryKey: ['provider', shopId, 'reviews', page],
    queryFn: () => api('GET /api/v1/shops/{shopId}/reviews', { params: { shopId }, query: { page, pageSize: PAGE_SIZE } }),
  });
  const { average, count } = shop.rating;
  return (
    <section>
      <PageTitle>Opiniones</PageTitle>
      <p>
        {count === 0 || average === null
          ? 'Todavía no hay opiniones.'
          : `Promedio ${average.toLocaleString('es-AR', { maximumFractionDigits: 1 })} de 5 en ${count === 1 ? '1 opinión' : `${count} opiniones`}.`}
      </p>
      {reviews.isPending ? (
        <Loading />
      ) : reviews.isError ? (
        <ErrorState error={reviews.error} onRetry={() => void reviews.refetch()} />
      ) : reviews.data.items.length === 0 ? (
        <Empty>{page === 1 ? 'Cuando tus clientes opinen después de un turno, vas a verlo acá.' : 'No hay más opiniones.'}</Empty>
      ) : (
        <ul className="review-list">
          {reviews.data.items.map((r) => (
            <li key={r.id} className="card">
              <p className="stars" aria-label={`${r.rating} de 5 estrellas`}>
                {'★'.repeat(r.rating)}
                <span className="stars-off">{'★'.repeat(5 - r.rating)}</span>
              </p>
              {r.comment ? <p>{r.comment}</p> : <p className="muted">Sin comentario.</p>}
              <p className="muted small">
                {r.customerName} · atendido por {r.barberName} · {formatDate(r.createdAt, shop.timezone)}
              </p>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <button type="button" className="button secondary" disabled={page === 1} onClick={() => setPage(page - 1)}>
          Anteriores
        </button>
        <button type="button" className="button secondary" disabled={!reviews.data || reviews.data.items.length < PAGE_SIZE} onClick={() => setPage(page + 1)}>
          Siguientes
        </button>
      </div>
    </section>
  );
}
