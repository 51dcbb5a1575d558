/**
 * The terms of use and the privacy notice users accept. Publishing a new version: add it here
 * with a new `version` and its `effectiveDate`, and make it the current one; from that date
 * GET /api/v1/me lists it under `pendingConsents` until the user accepts it again.
 * Older versions stay in the list: a user's consent record names the version they accepted.
 */
export interface LegalSection {
  heading: string;
  paragraphs: string[];
}

export interface LegalDocument {
  document: 'terms' | 'privacy_notice';
  version: string;
  /** YYYY-MM-DD, Argentine day from which this version applies. */
  effectiveDate: string;
  title: string;
  sections: LegalSection[];
}

/** Ley 25.326 art. 6 and the AAIP's Disposición 10/2008: forms that collect data show this notice. */
export const LEGAL_NOTICE_25326 =
  'El titular de los datos personales tiene la facultad de ejercer el derecho de acceso a los mismos en forma gratuita a intervalos no inferiores a seis meses, salvo que se acredite un interés legítimo al efecto conforme lo establecido en el artículo 14, inciso 3 de la Ley N° 25.326. La AGENCIA DE ACCESO A LA INFORMACIÓN PÚBLICA, en su carácter de Órgano de Control de la Ley N° 25.326, tiene la atribución de atender las denuncias y reclamos que interpongan quienes resulten afectados en sus derechos por incumplimiento de las normas vigentes en materia de protección de datos personales.';

export const PRIVACY_NOTICES: readonly LegalDocument[] = [
  {
    document: 'privacy_notice',
    version: 'privacidad-2026-11',
    effectiveDate: '2026-11-01',
    title: 'Política de privacidad de BarberPro',
    sections: [
      {
        heading: 'Quién trata tus datos',
        paragraphs: [
          'BarberPro es el responsable de la base de datos de usuarios de la plataforma. Las barberías en las que reservás reciben los datos necesarios para atenderte (tu nombre y el turno) y los usan solo para eso.',
        ],
      },
      {
        heading: 'Qué datos usamos y para qué',
        paragraphs: [
          'Tu nombre, email y teléfono, para crear tu cuenta, confirmar y recordarte turnos y avisarte cambios.',
          'Tus turnos, pagos y opiniones, para prestar el servicio, cobrar las señas por MercadoPago y emitir las facturas electrónicas que exige la AFIP (ARCA).',
          'Tu DNI o CUIT, solo si los indicás para la factura.',
          'Los datos de tarjeta nunca pasan por BarberPro: los recibe MercadoPago.',
        ],
      },
      {
        heading: 'Mensajes de promoción',
        paragraphs: ['Solo te enviamos promociones si lo aceptás aparte, y podés dejar de recibirlas cuando quieras desde "Mis datos".'],
      },
      {
        heading: 'Tus derechos (Ley 25.326)',
        paragraphs: [
          'Podés pedir acceso a tus datos (te respondemos en 10 días corridos), y su rectificación, actualización o supresión (en 5 días hábiles), desde "Mis datos" o escribiendo a privacidad@barberpro.ar.',
          'Mientras revisamos un pedido de rectificación o supresión, tus datos quedan bloqueados: no los usamos para avisos ni promociones.',
          'Al suprimir tu cuenta conservamos solo lo que otra ley obliga a guardar, como las facturas emitidas (Ley 11.683 y normas de la AFIP).',
          LEGAL_NOTICE_25326,
        ],
      },
      {
        heading: 'Cuánto tiempo guardamos los datos',
        paragraphs: ['Mientras tengas la cuenta; después, solo lo que la normativa tributaria obliga a conservar (las facturas y sus registros), por el plazo que ella fija.'],
      },
    ],
  },
];

export const TERMS: readonly LegalDocument[] = [
  {
    document: 'terms',
    version: 'terminos-2026-11',
    effectiveDate: '2026-11-01',
    title: 'Términos y condiciones de uso de BarberPro',
    sections: [
      {
        heading: 'El servicio',
        paragraphs: [
          'BarberPro te permite buscar barberías, reservar turnos y pagar señas. El servicio lo presta cada barbería; BarberPro es la plataforma que los conecta.',
        ],
      },
      {
        heading: 'Reservas, señas y cancelaciones',
        paragraphs: [
          'Cada barbería fija su política: hasta cuándo podés cancelar o reprogramar sin perder la seña. La ves antes de reservar.',
          'Si cancelás antes del plazo, te devolvemos la seña por MercadoPago. Si cancelás tarde o no vas, la barbería puede quedarse con la seña.',
        ],
      },
      {
        heading: 'Botón de arrepentimiento y botón de baja',
        paragraphs: [
          'Podés revocar una contratación hecha por internet dentro de los 10 días corridos (Ley 24.240 art. 34 y Código Civil y Comercial art. 1110) desde el "Botón de arrepentimiento", sin necesidad de iniciar sesión.',
          'Podés dar de baja tu cuenta o un servicio desde el "Botón de baja", también sin iniciar sesión. En ambos casos te damos un código de trámite en el momento y te respondemos dentro de las 24 horas.',
        ],
      },
      {
        heading: 'Facturación',
        paragraphs: ['Cada pago tiene su factura electrónica, emitida por la barbería con CAE de la AFIP (ARCA).'],
      },
    ],
  },
];

function current(documents: readonly LegalDocument[], today: string): LegalDocument {
  const effective = documents.filter((d) => d.effectiveDate <= today).sort((a, b) => (a.effectiveDate < b.effectiveDate ? 1 : -1));
  const chosen = effective[0] ?? documents[0];
  if (!chosen) throw new Error('no legal document published');
  return chosen;
}

/** The versions in force on an Argentine calendar day (YYYY-MM-DD). */
export function currentLegalDocuments(today: string): { terms: LegalDocument; privacyNotice: LegalDocument } {
  return { terms: current(TERMS, today), privacyNotice: current(PRIVACY_NOTICES, today) };
}

/**
 * What accepting at sign-up records: the terms and privacy notice in force that Argentine day,
 * and the marketing choice (asked separately, never pre-ticked).
 */
export function signUpConsents(userId: string, now: Date, marketingOptIn: boolean) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Argentina/Buenos_Aires' }).format(now);
  const { terms, privacyNotice } = currentLegalDocuments(today);
  return [
    { user_id: userId, document: 'terms' as const, version: terms.version, granted: true, source: 'sign_up' as const, recorded_at: now },
    { user_id: userId, document: 'privacy_notice' as const, version: privacyNotice.version, granted: true, source: 'sign_up' as const, recorded_at: now },
    { user_id: userId, document: 'marketing' as const, version: privacyNotice.version, granted: marketingOptIn, source: 'sign_up' as const, recorded_at: now },
  ];
}
