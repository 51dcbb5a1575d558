/** Links every page's footer carries; the legally required ones belong here. */
export const footerLinks: { to: string; label: string }[] = [
  // Disposición 954/2025 (ex Res. 424/2020): visible from every page, usable without logging in.
  { to: '/arrepentimiento', label: 'Botón de arrepentimiento' },
  { to: '/baja', label: 'Botón de baja' },
  { to: '/privacidad', label: 'Privacidad y términos' },
  { to: '/mis-datos', label: 'Mis datos personales' },
];

/**
 * The notice Ley 25.326 (art. 6; AAIP Disposición 10/2008) requires next to the forms that
 * collect personal data. Kept word for word with LEGAL_NOTICE_25326 in
 * src/modules/privacy/legal-texts.ts (a test compares them).
 */
export const LEGAL_NOTICE_25326 =
  'El titular de los datos personales tiene la facultad de ejercer el derecho de acceso a los mismos en forma gratuita a intervalos no inferiores a seis meses, salvo que se acredite un interés legítimo al efecto conforme lo establecido en el artículo 14, inciso 3 de la Ley N° 25.326. La AGENCIA DE ACCESO A LA INFORMACIÓN PÚBLICA, en su carácter de Órgano de Control de la Ley N° 25.326, tiene la atribución de atender las denuncias y reclamos que interpongan quienes resulten afectados en sus derechos por incumplimiento de las normas vigentes en materia de protección de datos personales.';
