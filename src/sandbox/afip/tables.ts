/**
 * The parameter tables the sandbox's FEParamGet* methods return, and the codes its rules
 * answer with. Tables hold what ../shared/ref/argentina.md lists (AFIP's real ids and names);
 * validity dates are not in that reference, so FchDesde is a fixed placeholder and FchHasta is
 * AFIP's "NULL".
 */

export interface ParamRow {
  id: number | string;
  desc: string;
}

export const FCH_DESDE = '20100917';

export const TIPOS_CBTE: ParamRow[] = [
  { id: 1, desc: 'Factura A' },
  { id: 3, desc: 'Nota de Crédito A' },
  { id: 6, desc: 'Factura B' },
  { id: 8, desc: 'Nota de Crédito B' },
  { id: 11, desc: 'Factura C' },
  { id: 13, desc: 'Nota de Crédito C' },
];

export const TIPOS_DOC: ParamRow[] = [
  { id: 80, desc: 'CUIT' },
  { id: 86, desc: 'CUIL' },
  { id: 96, desc: 'DNI' },
  { id: 99, desc: 'Doc. (Otro)' },
];

/** Id → rate in basis points, for reference; the sandbox checks sums, not rates. */
export const TIPOS_IVA: Array<ParamRow & { basisPoints: number }> = [
  { id: 3, desc: '0%', basisPoints: 0 },
  { id: 4, desc: '10.5%', basisPoints: 1050 },
  { id: 5, desc: '21%', basisPoints: 2100 },
  { id: 6, desc: '27%', basisPoints: 2700 },
  { id: 8, desc: '5%', basisPoints: 500 },
  { id: 9, desc: '2.5%', basisPoints: 250 },
];

/** Only pesos: BarberPro invoices nothing else, and argentina.md lists no other currency. */
export const TIPOS_MONEDA: ParamRow[] = [{ id: 'PES', desc: 'Pesos Argentinos' }];

/**
 * RG 5616/2024 receiver conditions. Cmp_Clase (which voucher classes each may receive) is not
 * in argentina.md: it follows the rule it states (Factura A goes to a Responsable Inscripto or
 * a monotributista, B to the rest; C to anyone) and is unverified against AFIP's table.
 */
export const CONDICIONES_IVA_RECEPTOR: Array<ParamRow & { id: number; clases: string }> = [
  { id: 1, desc: 'IVA Responsable Inscripto', clases: 'A/M/C' },
  { id: 4, desc: 'IVA Sujeto Exento', clases: 'B/C' },
  { id: 5, desc: 'Consumidor Final', clases: 'B/C' },
  { id: 6, desc: 'Responsable Monotributo', clases: 'A/M/C' },
  { id: 7, desc: 'Sujeto No Categorizado', clases: 'B/C' },
  { id: 13, desc: 'Monotributista Social', clases: 'A/M/C' },
  { id: 15, desc: 'IVA No Alcanzado', clases: 'B/C' },
  { id: 16, desc: 'Monotributo Trabajador Independiente Promovido', clases: 'A/M/C' },
];

/** Voucher type → class letter. */
export const CBTE_CLASE: Record<number, 'A' | 'B' | 'C'> = { 1: 'A', 3: 'A', 6: 'B', 8: 'B', 11: 'C', 13: 'C' };
export const CREDIT_NOTES = new Set([3, 8, 13]);
/** Credit note type → the invoice type it may cancel. */
export const CREDIT_NOTE_TARGET: Record<number, number> = { 3: 1, 8: 6, 13: 11 };

/**
 * Codes. From argentina.md (seen in AFIP traffic): 600, 602, 10016, 10242, 10246, 11002, 501.
 * The others are the sandbox's picks for rules AFIP enforces under codes not recorded in the
 * reference: they are realistic (AFIP's 10000-range validation codes) but unverified, so code
 * that reacts to a rejection should key on Resultado 'R' plus the verified codes only.
 */
export const CODES = {
  tokenInvalid: { code: 600, msg: 'ValidacionDeToken: No validaron las credenciales (token o firma inválidos o vencidos).' },
  cuitNotRelated: { code: 600, msg: 'ValidacionDeToken: No aparecio CUIT en lista de relaciones: ' },
  noData: { code: 602, msg: 'No existen datos en nuestros registros para los parametros ingresados.' },
  noResults: { code: 602, msg: 'Sin Resultados: - Metodo FEParamGetPtosVenta' },
  internalDb: { code: 501, msg: 'Error interno de base de datos.' },
  notNext: { code: 10016, msg: 'El numero o fecha del comprobante no se corresponde con el proximo a autorizar. Consultar metodo FECompUltimoAutorizado.' },
  posNotEnabled: { code: 11002, msg: 'El punto de venta no se encuentra habilitado a usar el presente WS. Consulte metodo FEParamGetPtosVenta.' },
  condicionIvaInvalid: { code: 10242, msg: 'El campo Condicion Frente al IVA del receptor no es valido para la clase de comprobante informado. Consultar metodo FEParamGetCondicionIvaReceptor.' },
  condicionIvaMissing: { code: 10246, msg: 'Campo Condicion Frente al IVA del receptor es obligatorio conforme lo reglamentado por la Resolución General N° 5616.' },
  // ─── unverified picks ───
  totalMismatch: { code: 10048, msg: "El campo 'Importe Total' ImpTotal, debe ser igual a la suma de ImpTotConc + ImpNeto + ImpOpEx + ImpTrib + ImpIVA." },
  cantRegMismatch: { code: 10001, msg: 'La cantidad de registros informada en CantReg no coincide con la cantidad de comprobantes enviados.' },
  cbteTipoInvalid: { code: 10007, msg: 'El campo CbteTipo no es valido. Consultar metodo FEParamGetTiposCbte.' },
  rangeNotSupported: { code: 10013, msg: 'CbteDesde y CbteHasta deben ser iguales (el sandbox no autoriza rangos).' },
  docTipoInvalid: { code: 10015, msg: 'El campo DocTipo no es valido o DocNro no corresponde a DocTipo. Consultar metodo FEParamGetTiposDoc.' },
  serviceDatesRequired: { code: 10036, msg: 'Para Concepto 2 o 3 es obligatorio informar FchServDesde, FchServHasta y FchVtoPago.' },
  serviceDatesNotAllowed: { code: 10035, msg: 'Para Concepto 1 no deben informarse FchServDesde, FchServHasta ni FchVtoPago.' },
  serviceDatesOrder: { code: 10037, msg: 'FchServDesde no puede ser posterior a FchServHasta.' },
  monedaInvalid: { code: 10038, msg: 'MonId debe ser PES y MonCotiz 1.' },
  cbtesAsocRequired: { code: 10040, msg: 'Para notas de credito es obligatorio informar CbtesAsoc.' },
  cbteAsocNotFound: { code: 10041, msg: 'El comprobante asociado no existe o no fue autorizado.' },
  ivaNotAllowedC: { code: 10071, msg: 'Para comprobantes tipo C el objeto IVA no debe informarse y ImpIVA debe ser 0.' },
  ivaRequired: { code: 10070, msg: 'Si ImpNeto es mayor a 0 el objeto IVA es obligatorio para comprobantes A y B.' },
  ivaSumMismatch: { code: 10051, msg: 'La suma de los campos Importe en AlicIva debe ser igual a ImpIVA.' },
  ivaBaseMismatch: { code: 10050, msg: 'La suma de los campos BaseImp en AlicIva debe ser igual a ImpNeto.' },
  ivaIdInvalid: { code: 10049, msg: 'El campo Id de AlicIva no es valido. Consultar metodo FEParamGetTiposIva.' },
} as const;

export type SandboxCode = (typeof CODES)[keyof typeof CODES];
