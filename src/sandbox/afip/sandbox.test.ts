import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AfipAmbiguousError,
  AfipFaultError,
  AfipUnavailableError,
  CBTE_TIPO,
  CONDICION_IVA_RECEPTOR,
  DOC_TIPO,
  WsaaClient,
  WsaaTicketCache,
  WsfeClient,
  WsfeError,
  type FeCaeDetRequest,
  type FeCaeSolicitarResult,
  type WsfeAuth,
  soapCall,
  WSFE_NAMESPACE,
} from '../../modules/invoicing/afip/index.js';
import { startAfipSandbox, type AfipSandbox } from './index.js';

/**
 * The sandbox's WSFEv1 rules, exercised through the real clients over HTTP: every request here
 * is built by WsfeClient and every answer parsed by it.
 */

const CUIT = '20123456786';
const RI_CUIT = '30000000007';
// 2026-03-10 12:00 in Buenos Aires.
let nowMs = Date.parse('2026-03-10T12:00:00-03:00');
const clock = { now: () => new Date(nowMs) };
const TODAY = '20260310';

let sandbox: AfipSandbox;
let wsfe: WsfeClient;
let auth: WsfeAuth;
let riAuth: WsfeAuth;

beforeAll(async () => {
  sandbox = await startAfipSandbox({ clock, pointsOfSale: { [CUIT]: [1, 2, 3, 4, 5, 6, 7, 8], [RI_CUIT]: [1] } });
  wsfe = new WsfeClient({ url: sandbox.wsfeUrl, timeoutMs: 5_000 });
  const wsaa = new WsaaClient({ url: sandbox.wsaaUrl, timeoutMs: 5_000 });
  const cache = new WsaaTicketCache({ client: wsaa, clock });
  const mono = sandbox.issueCertificate({ cuit: CUIT, commonName: 'barberia-don-julio' });
  const ri = sandbox.issueCertificate({ cuit: RI_CUIT, commonName: 'barberia-inscripta' });
  const t1 = await cache.getTicket({ ...mono, service: 'wsfe' });
  const t2 = await cache.getTicket({ ...ri, service: 'wsfe' });
  auth = { token: t1.token, sign: t1.sign, cuit: CUIT };
  riAuth = { token: t2.token, sign: t2.sign, cuit: RI_CUIT };
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await sandbox.controls.reset();
});

/** A Factura C for a consumidor final, 12,000.50 pesos of services. */
function facturaC(overrides: Partial<FeCaeDetRequest> = {}): FeCaeDetRequest {
  return {
    concepto: 2,
    docTipo: DOC_TIPO.CONSUMIDOR_FINAL,
    docNro: 0,
    cbteDesde: 1,
    cbteFch: TODAY,
    impTotal: 1_200_050,
    impTotConc: 0,
    impNeto: 1_200_050,
    impOpEx: 0,
    impTrib: 0,
    impIva: 0,
    fchServDesde: TODAY,
    fchServHasta: TODAY,
    fchVtoPago: TODAY,
    condicionIvaReceptorId: CONDICION_IVA_RECEPTOR.CONSUMIDOR_FINAL,
    ...overrides,
  };
}

/** A Factura B: 10,000.00 net + 21 % IVA = 12,100.00. */
function facturaB(overrides: Partial<FeCaeDetRequest> = {}): FeCaeDetRequest {
  return facturaC({ impTotal: 1_210_000, impNeto: 1_000_000, impIva: 210_000, iva: [{ id: 5, baseImp: 1_000_000, importe: 210_000 }], ...overrides });
}

async function next(ptoVta: number, cbteTipo: number, a: WsfeAuth = auth): Promise<number> {
  return (await wsfe.feCompUltimoAutorizado(a, ptoVta, cbteTipo)) + 1;
}

async function issue(ptoVta: number, cbteTipo: number, detail: Partial<FeCaeDetRequest> & { kind?: 'B' | 'C' } = {}, a: WsfeAuth = auth): Promise<FeCaeSolicitarResult> {
  const { kind, ...rest } = detail;
  const number = rest.cbteDesde ?? (await next(ptoVta, cbteTipo, a));
  const base = kind === 'B' ? facturaB : facturaC;
  return wsfe.feCAESolicitar(a, { ptoVta, cbteTipo, details: [base({ ...rest, cbteDesde: number })] });
}

function codes(result: FeCaeSolicitarResult): number[] {
  return [...result.errors.map((e) => e.code), ...result.details.flatMap((d) => d.observaciones.map((o) => o.code))];
}

function expectRejected(result: FeCaeSolicitarResult, code: number): void {
  expect(result.resultado).toBe('R');
  expect(result.details.every((d) => d.cae === null && d.resultado === 'R')).toBe(true);
  expect(codes(result)).toContain(code);
}

describe('FEDummy and parameter tables', () => {
  it('FEDummy answers OK three times, without authentication', async () => {
    expect(await wsfe.feDummy()).toEqual({ appServer: 'OK', dbServer: 'OK', authServer: 'OK' });
  });

  it('returns the real voucher, document, IVA, currency and receiver-condition tables', async () => {
    const cbte = await wsfe.feParamGetTiposCbte(auth);
    expect(cbte.map((c) => [c.id, c.desc])).toEqual([
      [1, 'Factura A'],
      [3, 'Nota de Crédito A'],
      [6, 'Factura B'],
      [8, 'Nota de Crédito B'],
      [11, 'Factura C'],
      [13, 'Nota de Crédito C'],
    ]);
    expect(cbte[0]!.fchHasta).toBeNull();
    expect((await wsfe.feParamGetTiposDoc(auth)).map((d) => d.id)).toEqual([80, 86, 96, 99]);
    expect((await wsfe.feParamGetTiposIva(auth)).map((i) => [i.id, i.desc])).toEqual([
      [3, '0%'],
      [4, '10.5%'],
      [5, '21%'],
      [6, '27%'],
      [8, '5%'],
      [9, '2.5%'],
    ]);
    expect((await wsfe.feParamGetTiposMonedas(auth)).map((m) => m.id)).toEqual(['PES']);
    expect((await wsfe.feParamGetCondicionIvaReceptor(auth)).map((c) => c.id)).toEqual([1, 4, 5, 6, 7, 13, 15, 16]);
    expect((await wsfe.feParamGetCondicionIvaReceptor(auth, 'A')).map((c) => c.id)).toEqual([1, 6, 13, 16]);
  });

  it('lists the enabled points of sale per CUIT, and none as an empty list', async () => {
    expect((await wsfe.feParamGetPtosVenta(riAuth)).map((p) => [p.nro, p.bloqueado, p.fchBaja])).toEqual([[1, false, null]]);
    sandbox.state.enablePointOfSale(RI_CUIT, 9);
    expect((await wsfe.feParamGetPtosVenta(riAuth)).map((p) => p.nro)).toEqual([1, 9]);
  });
});

describe('authentication of WSFEv1 calls', () => {
  it('refuses an unknown token or a wrong sign with 600', async () => {
    const bad = [
      { ...auth, token: Buffer.from('not a ticket').toString('base64') },
      { ...auth, sign: Buffer.from('forged').toString('base64') },
    ];
    for (const a of bad) {
      const error = await wsfe.feCompUltimoAutorizado(a, 1, CBTE_TIPO.FACTURA_C).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WsfeError);
      expect((error as WsfeError).has(600)).toBe(true);
      const result = await wsfe.feCAESolicitar(a, { ptoVta: 1, cbteTipo: 11, details: [facturaC()] });
      expect(result.resultado).toBe('R');
      expect(result.errors.map((e) => e.code)).toEqual([600]);
    }
  });

  it('refuses a CUIT the certificate does not represent with 600', async () => {
    const error = (await wsfe.feCompUltimoAutorizado({ ...auth, cuit: RI_CUIT }, 1, 11).catch((e: unknown) => e)) as WsfeError;
    expect(error).toBeInstanceOf(WsfeError);
    expect(error.errors[0]).toMatchObject({ code: 600 });
    expect(error.errors[0]!.msg).toContain(RI_CUIT);
  });

  it('refuses an expired ticket with 600', async () => {
    const saved = nowMs;
    nowMs += 13 * 3_600_000;
    try {
      const error = (await wsfe.feCompUltimoAutorizado(auth, 1, 11).catch((e: unknown) => e)) as WsfeError;
      expect(error.has(600)).toBe(true);
    } finally {
      nowMs = saved;
    }
  });
});

describe('FECAESolicitar', () => {
  it('authorizes a Factura C with the next number: 14-digit CAE due 10 days after the voucher date', async () => {
    const ptoVta = 1;
    expect(await wsfe.feCompUltimoAutorizado(auth, ptoVta, CBTE_TIPO.FACTURA_C)).toBe(0);
    const result = await issue(ptoVta, CBTE_TIPO.FACTURA_C);
    expect(result.resultado).toBe('A');
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ cuit: CUIT, ptoVta, cbteTipo: 11, cantReg: 1 });
    expect(result.fchProceso).toMatch(/^20260310\d{6}$/);
    const [detail] = result.details;
    expect(detail).toMatchObject({ resultado: 'A', cbteDesde: 1, cbteHasta: 1, cbteFch: TODAY, caeFchVto: '20260320', observaciones: [] });
    expect(detail!.cae).toMatch(/^[1-9]\d{13}$/);
    expect(await wsfe.feCompUltimoAutorizado(auth, ptoVta, CBTE_TIPO.FACTURA_C)).toBe(1);
  });

  it('numbers each (CUIT, point of sale, voucher type) series on its own', async () => {
    const ptoVta = 2;
    for (let i = 1; i <= 3; i++) expect((await issue(ptoVta, CBTE_TIPO.FACTURA_C)).details[0]!.cbteDesde).toBe(i);
    expect(await wsfe.feCompUltimoAutorizado(auth, ptoVta, CBTE_TIPO.FACTURA_C)).toBe(3);
    expect(await wsfe.feCompUltimoAutorizado(auth, 3, CBTE_TIPO.FACTURA_C)).toBe(0);
    expect(await wsfe.feCompUltimoAutorizado(auth, ptoVta, CBTE_TIPO.NOTA_CREDITO_C)).toBe(0);
    expect(await wsfe.feCompUltimoAutorizado(riAuth, ptoVta, CBTE_TIPO.FACTURA_C)).toBe(0);
  });

  it('rejects a number that is not the next one with 10016 (a gap, a repeat) and authorizes nothing', async () => {
    const ptoVta = 3;
    await issue(ptoVta, 11);
    expectRejected(await issue(ptoVta, 11, { cbteDesde: 3 }), 10016);
    expectRejected(await issue(ptoVta, 11, { cbteDesde: 1 }), 10016);
    expect(sandbox.state.lastNumber(CUIT, ptoVta, 11)).toBe(1);
    expect((await issue(ptoVta, 11, { cbteDesde: 2 })).resultado).toBe('A');
  });

  it('rejects a voucher date outside the window or before the last voucher of the series with 10016', async () => {
    const ptoVta = 4;
    expectRejected(await issue(ptoVta, 11, { concepto: 1, fchServDesde: undefined, fchServHasta: undefined, fchVtoPago: undefined, cbteFch: '20260316' }), 10016);
    expectRejected(await issue(ptoVta, 11, { cbteFch: '20260221' }), 10016);
    expect((await issue(ptoVta, 11, { cbteFch: '20260312' })).resultado).toBe('A');
    expectRejected(await issue(ptoVta, 11, { cbteFch: '20260311' }), 10016);
  });

  it('continues numbering issued elsewhere (setLastNumber)', async () => {
    sandbox.state.setLastNumber(CUIT, 5, 11, 41);
    expect(await wsfe.feCompUltimoAutorizado(auth, 5, 11)).toBe(41);
    expect((await issue(5, 11)).details[0]).toMatchObject({ resultado: 'A', cbteDesde: 42 });
  });

  it('requires ImpTotal = ImpTotConc + ImpNeto + ImpOpEx + ImpTrib + ImpIVA to the centavo (10048)', async () => {
    expectRejected(await issue(6, 11, { impTotal: 1_200_051 }), 10048);
    expectRejected(await issue(6, 11, { impTotal: 1_200_049 }), 10048);
    const all = { impTotConc: 101, impNeto: 1_000_000, impOpEx: 202, impTrib: 0, impIva: 0 };
    expect((await issue(6, 11, { ...all, impTotal: 1_000_303 })).resultado).toBe('A');
    // Amounts that floats get wrong: 0.1 + 0.2 pesos.
    expect((await issue(6, 11, { impTotConc: 10, impNeto: 20, impTotal: 30 })).resultado).toBe('A');
  });

  it('requires CondicionIVAReceptorId (10246) and one valid for the voucher class (10242)', async () => {
    expectRejected(await issue(7, 11, { condicionIvaReceptorId: undefined as unknown as number }), 10246);
    expectRejected(await issue(7, 11, { condicionIvaReceptorId: 99 }), 10242);
    // A consumidor final cannot receive a Factura A.
    expectRejected(await issue(1, CBTE_TIPO.FACTURA_A, { kind: 'B', condicionIvaReceptorId: 5, docTipo: 80, docNro: '30000000007' }, riAuth), 10242);
    expect((await issue(1, CBTE_TIPO.FACTURA_A, { kind: 'B', condicionIvaReceptorId: 1, docTipo: 80, docNro: '30000000007' }, riAuth)).resultado).toBe('A');
  });

  it('refuses an Iva breakdown or IVA amount on a Factura C', async () => {
    expectRejected(await issue(7, 11, { iva: [{ id: 3, baseImp: 1_200_050, importe: 0 }] }), 10071);
    expectRejected(await issue(7, 11, { impNeto: 1_000_000, impIva: 200_050 }), 10071);
  });

  it('requires on a Factura B an Iva array whose amounts add up to ImpIVA and bases to ImpNeto', async () => {
    expectRejected(await issue(1, CBTE_TIPO.FACTURA_B, { kind: 'B', iva: undefined }, riAuth), 10070);
    expectRejected(await issue(1, CBTE_TIPO.FACTURA_B, { kind: 'B', iva: [{ id: 5, baseImp: 1_000_000, importe: 209_999 }] }, riAuth), 10051);
    expectRejected(await issue(1, CBTE_TIPO.FACTURA_B, { kind: 'B', iva: [{ id: 5, baseImp: 999_999, importe: 210_000 }] }, riAuth), 10050);
    expectRejected(await issue(1, CBTE_TIPO.FACTURA_B, { kind: 'B', iva: [{ id: 7, baseImp: 1_000_000, importe: 210_000 }] }, riAuth), 10049);
    const split = [
      { id: 5, baseImp: 600_000, importe: 126_000 },
      { id: 4, baseImp: 400_000, importe: 42_000 },
    ];
    const ok = await issue(1, CBTE_TIPO.FACTURA_B, { kind: 'B', impIva: 168_000, impTotal: 1_168_000, iva: split }, riAuth);
    expect(ok.resultado).toBe('A');
    const stored = await wsfe.feCompConsultar(riAuth, CBTE_TIPO.FACTURA_B, 1, ok.details[0]!.cbteDesde!);
    expect(stored!.iva).toEqual(split);
  });

  it('requires service dates and payment due date for Concepto 2 and 3, and refuses them for Concepto 1', async () => {
    for (const missing of ['fchServDesde', 'fchServHasta', 'fchVtoPago'] as const) {
      expectRejected(await issue(8, 11, { [missing]: undefined }), 10036);
      expectRejected(await issue(8, 11, { concepto: 3, [missing]: undefined }), 10036);
    }
    expectRejected(await issue(8, 11, { fchServDesde: '20260311', fchServHasta: '20260310' }), 10037);
    expectRejected(await issue(8, 11, { concepto: 1 }), 10035);
    const products = await issue(8, 11, { concepto: 1, fchServDesde: undefined, fchServHasta: undefined, fchVtoPago: undefined });
    expect(products.resultado).toBe('A');
  });

  it('requires a credit note to point at an authorized invoice of the matching type', async () => {
    const invoice = await issue(1, CBTE_TIPO.FACTURA_C);
    const nro = invoice.details[0]!.cbteDesde!;
    expectRejected(await issue(1, CBTE_TIPO.NOTA_CREDITO_C), 10040);
    expectRejected(await issue(1, CBTE_TIPO.NOTA_CREDITO_C, { cbtesAsoc: [{ tipo: 11, ptoVta: 1, nro: nro + 100 }] }), 10041);
    expectRejected(await issue(1, CBTE_TIPO.NOTA_CREDITO_C, { cbtesAsoc: [{ tipo: 6, ptoVta: 1, nro }] }), 10041);
    expectRejected(await issue(1, CBTE_TIPO.NOTA_CREDITO_C, { cbtesAsoc: [{ tipo: 11, ptoVta: 1, nro, cuit: CUIT, cbteFch: '20260309' }] }), 10041);
    const credit = await issue(1, CBTE_TIPO.NOTA_CREDITO_C, { cbtesAsoc: [{ tipo: 11, ptoVta: 1, nro, cuit: CUIT, cbteFch: TODAY }] });
    expect(credit.resultado).toBe('A');
    const stored = await wsfe.feCompConsultar(auth, CBTE_TIPO.NOTA_CREDITO_C, 1, credit.details[0]!.cbteDesde!);
    expect(stored!.cbtesAsoc).toEqual([{ tipo: 11, ptoVta: 1, nro, cuit: CUIT, cbteFch: TODAY }]);
  });

  it('refuses a point of sale not enabled for web services with 11002', async () => {
    const result = await issue(99, CBTE_TIPO.FACTURA_C, { cbteDesde: 1 });
    expectRejected(result, 11002);
    expect(result.errors.map((e) => e.code)).toEqual([11002]);
  });

  it('reports every broken rule of a voucher at once', async () => {
    const result = await issue(8, 11, { cbteDesde: 500, impTotal: 1, condicionIvaReceptorId: undefined as unknown as number });
    expect(codes(result)).toEqual(expect.arrayContaining([10016, 10048, 10246]));
  });

  it('takes a batch: consecutive vouchers all approved, or partly (P) when one breaks a rule', async () => {
    const first = await next(2, 11);
    const all = await wsfe.feCAESolicitar(auth, { ptoVta: 2, cbteTipo: 11, details: [facturaC({ cbteDesde: first }), facturaC({ cbteDesde: first + 1 })] });
    expect(all.resultado).toBe('A');
    expect(all.details.map((d) => d.resultado)).toEqual(['A', 'A']);
    const partial = await wsfe.feCAESolicitar(auth, { ptoVta: 2, cbteTipo: 11, details: [facturaC({ cbteDesde: first + 2 }), facturaC({ cbteDesde: first + 3, impTotal: 5 })] });
    expect(partial.resultado).toBe('P');
    expect(partial.details.map((d) => d.resultado)).toEqual(['A', 'R']);
    expect(partial.details[1]!.observaciones.map((o) => o.code)).toEqual([10048]);
  });
});

describe('FECompConsultar', () => {
  it('returns an authorized voucher exactly as it was sent, amounts in centavos', async () => {
    const sent = facturaB({ docTipo: DOC_TIPO.DNI, docNro: '30111222', impTotConc: 1, impOpEx: 2, impTotal: 1_210_003 });
    const number = await next(1, CBTE_TIPO.FACTURA_B, riAuth);
    const result = await wsfe.feCAESolicitar(riAuth, { ptoVta: 1, cbteTipo: CBTE_TIPO.FACTURA_B, details: [{ ...sent, cbteDesde: number }] });
    expect(result.resultado).toBe('A');
    const found = await wsfe.feCompConsultar(riAuth, CBTE_TIPO.FACTURA_B, 1, number);
    expect(found).toEqual({
      ptoVta: 1,
      cbteTipo: 6,
      concepto: 2,
      docTipo: 96,
      docNro: '30111222',
      cbteDesde: number,
      cbteHasta: number,
      cbteFch: TODAY,
      impTotal: 1_210_003,
      impTotConc: 1,
      impNeto: 1_000_000,
      impOpEx: 2,
      impTrib: 0,
      impIva: 210_000,
      fchServDesde: TODAY,
      fchServHasta: TODAY,
      fchVtoPago: TODAY,
      monId: 'PES',
      monCotiz: '1',
      condicionIvaReceptorId: 5,
      iva: [{ id: 5, baseImp: 1_000_000, importe: 210_000 }],
      cbtesAsoc: [],
      resultado: 'A',
      codAutorizacion: result.details[0]!.cae,
      emisionTipo: 'CAE',
      fchVto: result.details[0]!.caeFchVto,
      fchProceso: result.fchProceso,
      observaciones: [],
      events: [],
    });
  });

  it('answers null (602) for a voucher that does not exist, or belongs to another CUIT', async () => {
    expect(await wsfe.feCompConsultar(auth, CBTE_TIPO.FACTURA_C, 1, 9_999)).toBeNull();
    await issue(1, CBTE_TIPO.FACTURA_C);
    expect(await wsfe.feCompConsultar(riAuth, CBTE_TIPO.FACTURA_C, 1, 1)).toBeNull();
  });
});

describe('fault injection', () => {
  it("down '503': every call fails with AfipUnavailableError (http_status), nothing authorized", async () => {
    await sandbox.controls.setDown('503');
    const before = sandbox.state.vouchers().length;
    const error = await issue(1, 11, { cbteDesde: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfipUnavailableError);
    expect(error).toMatchObject({ reason: 'http_status', status: 503, retryable: true, requestSent: false });
    await expect(wsfe.feDummy()).rejects.toBeInstanceOf(AfipUnavailableError);
    expect(sandbox.state.vouchers().length).toBe(before);
    await sandbox.controls.setDown(false);
    expect((await wsfe.feDummy()).appServer).toBe('OK');
  });

  it("down 'refuse': connection refused is AfipUnavailableError (connect), and the sandbox comes back on the same port", async () => {
    await sandbox.controls.setDown('refuse');
    const error = await wsfe.feDummy().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfipUnavailableError);
    expect(error).toMatchObject({ reason: 'connect', requestSent: false });
    await sandbox.controls.setDown(false);
    expect((await wsfe.feDummy()).appServer).toBe('OK');
  });

  it('timeoutAfterCommit (hang): the client times out with AfipAmbiguousError, and AFIP has the voucher', async () => {
    const ptoVta = 1;
    const number = await next(ptoVta, 11);
    sandbox.controls.timeoutAfterCommit({ mode: 'hang' });
    const impatient = new WsfeClient({ url: sandbox.wsfeUrl, timeoutMs: 300 });
    const error = await impatient.feCAESolicitar(auth, { ptoVta, cbteTipo: 11, details: [facturaC({ cbteDesde: number })] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfipAmbiguousError);
    expect(error).toMatchObject({ reason: 'timeout', requestSent: true, operation: 'FECAESolicitar' });
    // What the invoicing service does next: find out instead of sending it again.
    expect(await wsfe.feCompUltimoAutorizado(auth, ptoVta, 11)).toBe(number);
    const found = await wsfe.feCompConsultar(auth, 11, ptoVta, number);
    expect(found).toMatchObject({ resultado: 'A', impTotal: 1_200_050, cbteDesde: number });
    expect(found!.codAutorizacion).toMatch(/^\d{14}$/);
    expect(sandbox.state.requests.at(-3)).toMatchObject({ operation: 'FECAESolicitar', outcome: 'hang' });
  });

  it('timeoutAfterCommit (reset): a connection reset after sending is AfipAmbiguousError too', async () => {
    const number = await next(1, 11);
    sandbox.controls.timeoutAfterCommit({ mode: 'reset' });
    const error = await wsfe.feCAESolicitar(auth, { ptoVta: 1, cbteTipo: 11, details: [facturaC({ cbteDesde: number })] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfipAmbiguousError);
    expect(error).toMatchObject({ reason: 'connection_lost', requestSent: true });
    expect((await wsfe.feCompConsultar(auth, 11, 1, number))?.resultado).toBe('A');
    // Sending it again is what the ambiguity warns against: AFIP answers 10016.
    expectRejected(await wsfe.feCAESolicitar(auth, { ptoVta: 1, cbteTipo: 11, details: [facturaC({ cbteDesde: number })] }), 10016);
  });

  it('latencyMs delays every call; a client timeout shorter than it, after sending, is ambiguous', async () => {
    sandbox.controls.setLatency(150);
    const started = performance.now();
    await wsfe.feDummy();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    const impatient = new WsfeClient({ url: sandbox.wsfeUrl, timeoutMs: 50 });
    await expect(impatient.feDummy()).rejects.toMatchObject({ name: 'AfipAmbiguousError', reason: 'timeout' });
  });

  it('rejectNext: the next FECAESolicitar is rejected with the given error and nothing is authorized', async () => {
    const number = await next(1, 11);
    sandbox.controls.rejectNext(501, 'Error interno de base de datos.');
    const result = await issue(1, 11, { cbteDesde: number });
    expect(result.resultado).toBe('R');
    expect(result.errors).toEqual([{ code: 501, msg: 'Error interno de base de datos.' }]);
    expect(await wsfe.feCompUltimoAutorizado(auth, 1, 11)).toBe(number - 1);
    expect((await issue(1, 11, { cbteDesde: number })).resultado).toBe('A');
  });

  it('has an HTTP control API', async () => {
    const post = (path: string, body: unknown) =>
      fetch(sandbox.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
    expect((await post('/sandbox/controls', { down: '503' })).status).toBe(200);
    await expect(wsfe.feDummy()).rejects.toBeInstanceOf(AfipUnavailableError);
    expect((await post('/sandbox/controls', { down: false, rejectNext: { code: 501, msg: 'x' } })).json).toMatchObject({ down: false, rejectNext: 1 });
    expect((await issue(1, 11)).errors).toEqual([{ code: 501, msg: 'x' }]);
    expect((await post('/sandbox/controls', { down: 'refuse' })).status).toBe(400);
    const state = (await (await fetch(`${sandbox.url}/sandbox/state`)).json()) as { vouchers: unknown[]; tickets: Array<Record<string, unknown>> };
    expect(state.vouchers.length).toBe(sandbox.state.vouchers().length);
    expect(JSON.stringify(state.tickets)).not.toContain(auth.token);
    const cert = await post('/sandbox/certificates', { cuit: '20111111112', commonName: 'otra' });
    expect(cert.status).toBe(201);
    expect(String(cert.json.certPem)).toContain('BEGIN CERTIFICATE');
    expect((await fetch(`${sandbox.url}/sandbox/ca.pem`).then((r) => r.text())).trim()).toBe(sandbox.caCertPem.trim());
  });
});

describe('SOAP-level faults', () => {
  it('answers an unknown SOAPAction and a malformed body with soap:Client faults', async () => {
    const raw = (action: string, body: string) =>
      fetch(sandbox.wsfeUrl, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${action}"` }, body });
    const unknown = await raw('http://ar.gov.afip.dif.FEV1/FENoExiste', '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>');
    expect(unknown.status).toBe(500);
    expect(await unknown.text()).toContain('Server did not recognize the value of HTTP Header SOAPAction');
    const broken = await raw('http://ar.gov.afip.dif.FEV1/FEDummy', '<soap:Envelope><soap:Body>');
    expect(broken.status).toBe(500);
    expect(await broken.text()).toContain('<faultcode>soap:Client</faultcode>');
  });

  it('turns a WSFEv1 SOAP fault into AfipFaultError through the SOAP layer', async () => {
    const error = await soapCall({ url: sandbox.wsfeUrl, soapAction: `${WSFE_NAMESPACE}FENoExiste`, operation: 'FENoExiste', body: `<ar:FENoExiste xmlns:ar="${WSFE_NAMESPACE}"/>` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfipFaultError);
    expect(error).toMatchObject({ faultCode: 'Client', faultCodeQName: 'soap:Client', status: 500, requestSent: true });
    expect((error as AfipFaultError).faultString).toContain('FENoExiste');
  });
});
