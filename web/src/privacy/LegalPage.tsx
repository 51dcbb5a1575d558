import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { GetPublicLegalDocumentsResponse } from '../api/types.gen';
import { ErrorState, Loading, PageTitle } from '../ui/components';
import './privacy.css';

type LegalDocument = GetPublicLegalDocumentsResponse['terms'];

function formatEffective(date: string): string {
  // A calendar date: formatted at noon UTC so no timezone moves it to the day before.
  return new Intl.DateTimeFormat('es-AR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

function Document({ doc, id }: { doc: LegalDocument; id: string }) {
  return (
    <article className="legal-document card" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{doc.title}</h2>
      <p className="muted">
        Versión {doc.version}, vigente desde el {formatEffective(doc.effectiveDate)}.
      </p>
      {doc.sections.map((s) => (
        <section key={s.heading}>
          <h3>{s.heading}</h3>
          {s.paragraphs.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </section>
      ))}
    </article>
  );
}

/** /privacidad: the privacy notice and the terms in force, as the API publishes them. */
export function LegalPage() {
  const docs = useQuery({ queryKey: ['legal-documents'], queryFn: () => api('GET /api/v1/public/legal-documents'), staleTime: 5 * 60_000 });
  return (
    <section className="stack">
      <PageTitle>Privacidad y términos</PageTitle>
      {docs.isPending ? <Loading /> : null}
      {docs.isError ? <ErrorState error={docs.error} onRetry={() => void docs.refetch()} /> : null}
      {docs.data ? (
        <>
          <Document doc={docs.data.privacyNotice} id="privacidad" />
          <Document doc={docs.data.terms} id="terminos" />
          <p className="legal-notice" id="ley-25326">
            {docs.data.legalNotice}
          </p>
        </>
      ) : null}
    </section>
  );
}
