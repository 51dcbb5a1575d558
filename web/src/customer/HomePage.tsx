import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { Empty, ErrorState } from '../ui/components';
import { formatCentavos } from '../ui/format';
import { formatRating } from './shared';

export function HomePage() {
  const [params, setParams] = useSearchParams();
  const city = params.get('ciudad') ?? '';
  const service = params.get('servicio') ?? '';
  const [cityInput, setCityInput] = useState(city);
  const [serviceInput, setServiceInput] = useState(service);

  const cities = useQuery({ queryKey: ['cities'], queryFn: () => api('GET /api/v1/cities'), staleTime: 5 * 60_000 });
  const shops = useQuery({
    queryKey: ['shops', city, service],
    queryFn: () => api('GET /api/v1/shops', { query: { city: city || undefined, service: service || undefined, pageSize: 50 } }),
  });

  function search(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    if (cityInput) next.set('ciudad', cityInput);
    if (serviceInput.trim()) next.set('servicio', serviceInput.trim());
    setParams(next);
  }

  const heading = city ? `Barberías en ${city}` : 'Barberías mejor calificadas';

  return (
    <div className="customer">
      <section className="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">Reservá tu turno en la barbería</h1>
        <p className="muted">Elegí la ciudad y el servicio, mirá los horarios libres y reservá en menos de un minuto.</p>
        <form className="search-form" onSubmit={search} role="search" aria-label="Buscar barberías">
          <label className="field">
            <span className="field-label">Ciudad</span>
            <select value={cityInput} onChange={(e) => setCityInput(e.target.value)} aria-busy={cities.isPending}>
              <option value="">Todas las ciudades</option>
              {cities.data?.items.map((c) => (
                <option key={c.city} value={c.city}>
                  {c.city} ({c.shops})
                </option>
              ))}
              {/* A city from the address bar stays selectable while the list loads. */}
              {city && !cities.data?.items.some((c) => c.city === city) ? <option value={city}>{city}</option> : null}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Servicio</span>
            <input type="search" placeholder="Corte, barba, afeitado…" value={serviceInput} onChange={(e) => setServiceInput(e.target.value)} maxLength={80} />
          </label>
          <button type="submit" className="button">
            Buscar
          </button>
        </form>
        {cities.isError ? <p className="form-error">No pudimos cargar las ciudades; igual podés buscar.</p> : null}
      </section>

      <section aria-labelledby="results-title" aria-busy={shops.isPending}>
        <h2 id="results-title">{heading}</h2>
        {shops.isPending ? (
          <ul className="shop-list" aria-hidden="true">
            {[0, 1, 2].map((i) => (
              <li key={i} className="card shop-card skeleton-card" />
            ))}
          </ul>
        ) : shops.isError ? (
          <ErrorState error={shops.error} onRetry={() => void shops.refetch()} />
        ) : shops.data.items.length === 0 ? (
          <Empty>
            No encontramos barberías{city ? ` en ${city}` : ''}
            {service ? ` con “${service}”` : ''}. Probá con otra ciudad o servicio.
          </Empty>
        ) : (
          <>
            <p className="muted" role="status">
              {shops.data.total === 1 ? '1 barbería' : `${shops.data.total} barberías`}
            </p>
            <ul className="shop-list">
              {shops.data.items.map((shop) => (
                <li key={shop.id} className="card shop-card">
                  <h3>
                    <Link to={`/barberias/${shop.id}`}>{shop.name}</Link>
                  </h3>
                  <p className="muted">
                    {shop.address}, {shop.city}
                  </p>
                  <p>
                    <span aria-hidden="true">★ </span>
                    {formatRating(shop.rating.average, shop.rating.count)}
                  </p>
                  {shop.priceFrom ? <p className="price">Desde {formatCentavos(shop.priceFrom.amountCents)}</p> : null}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </div>
  );
}
