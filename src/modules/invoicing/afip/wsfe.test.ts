import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { soapEnvelope } from './soap.js';
import { WsfeClient, WsfeError, type FeCaeDetRequest, type WsfeAuth } from './wsfe.js';

/**
 * The client's XML both ways against canned AFIP replies: what it writes (element order,
 * amounts, optional parts) and how it reads the shapes fast-xml-parser makes of one element
 * versus several.
 */

let server: Server;
let url: string;
let lastRequest = { action: '', body: '' };
let nextReply = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      lastRequest = { action: String(req.headers.soapaction), body };
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(nextReply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wsfev1/service.asmx`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  lastRequest = { action: '', body: '' };
});

const auth: WsfeAuth = { token: 'PD94bWwg<&>', sign: 'c2lnbg==', cuit: '20-12345678-6' };
const client = () => new WsfeClient({ url, timeoutMs: 2_000 });

function reply(method: string, result: string): string {
  return soapEnvelope(`<${method}Response xmlns="http://ar.gov.afip.dif.FEV1/"><${method}Result>${result}</${method}Result></${method}Response>`);
}

const detail: FeCaeDetRequest = {
  concepto: 2,
  docTipo: 80,
  docNro: '30000000007',
  cbteDesde: 15,
  cbteFch: '20260310',
  impTotal: 1_210_003,
  impTotConc: 1,
  impNeto: 1_000_000,
  impOpEx: 2,
  impTrib: 0,
  impIva: 210_000,
  fchServDesde: '20260301',
  fchServHasta: '20260310',
  fchVtoPago: '20260320',
  condicionIvaReceptorId: 1,
  cbtesAsoc: [{ tipo: 1, ptoVta: 3, nro: 7, cuit: '20123456786', cbteFch: '20260305' }],
  iva: [
    { id: 5, baseImp: 600_000, importe: 126_000 },
    { id: 4, baseImp: 400_000, importe: 84_000 },
  ],
};

describe('request XML', () => {
  it('writes FECAESolicitar in schema order, amounts with two decimals, Auth escaped', async () => {
    nextReply = reply('FECAESolicitar', '<FeCabResp><Resultado>A</Resultado></FeCabResp>');
    await client().feCAESolicitar(auth, { ptoVta: 3, cbteTipo: 3, details: [detail] });
    expect(lastRequest.action).toBe('"http://ar.gov.afip.dif.FEV1/FECAESolicitar"');
    const body = lastRequest.body;
    expect(body).toContain(
      '<ar:FECAESolicitar xmlns:ar="http://ar.gov.afip.dif.FEV1/"><ar:Auth><ar:Token>PD94bWwg&lt;&amp;&gt;</ar:Token><ar:Sign>c2lnbg==</ar:Sign><ar:Cuit>20123456786</ar:Cuit></ar:Auth>',
    );
    expect(body).toContain('<ar:FeCabReq><ar:CantReg>1</ar:CantReg><ar:PtoVta>3</ar:PtoVta><ar:CbteTipo>3</ar:CbteTipo></ar:FeCabReq>');
    expect(body).toContain(
      '<ar:FECAEDetRequest><ar:Concepto>2</ar:Concepto><ar:DocTipo>80</ar:DocTipo><ar:DocNro>30000000007</ar:DocNro><ar:CbteDesde>15</ar:CbteDesde><ar:CbteHasta>15</ar:CbteHasta>' +
        '<ar:CbteFch>20260310</ar:CbteFch><ar:ImpTotal>12100.03</ar:ImpTotal><ar:ImpTotConc>0.01</ar:ImpTotConc><ar:ImpNeto>10000.00</ar:ImpNeto><ar:ImpOpEx>0.02</ar:ImpOpEx>' +
        '<ar:ImpTrib>0.00</ar:ImpTrib><ar:ImpIVA>2100.00</ar:ImpIVA><ar:FchServDesde>20260301</ar:FchServDesde><ar:FchServHasta>20260310</ar:FchServHasta><ar:FchVtoPago>20260320</ar:FchVtoPago>' +
        '<ar:MonId>PES</ar:MonId><ar:MonCotiz>1</ar:MonCotiz><ar:CondicionIVAReceptorId>1</ar:CondicionIVAReceptorId>' +
        '<ar:CbtesAsoc><ar:CbteAsoc><ar:Tipo>1</ar:Tipo><ar:PtoVta>3</ar:PtoVta><ar:Nro>7</ar:Nro><ar:Cuit>20123456786</ar:Cuit><ar:CbteFch>20260305</ar:CbteFch></ar:CbteAsoc></ar:CbtesAsoc>' +
        '<ar:Iva><ar:AlicIva><ar:Id>5</ar:Id><ar:BaseImp>6000.00</ar:BaseImp><ar:Importe>1260.00</ar:Importe></ar:AlicIva><ar:AlicIva><ar:Id>4</ar:Id><ar:BaseImp>4000.00</ar:BaseImp><ar:Importe>840.00</ar:Importe></ar:AlicIva></ar:Iva>' +
        '</ar:FECAEDetRequest>',
    );
  });

  it('leaves out what a Factura C for a consumidor final does not carry', async () => {
    nextReply = reply('FECAESolicitar', '');
    const { fchServDesde: _a, fchServHasta: _b, fchVtoPago: _c, cbtesAsoc: _d, iva: _e, ...rest } = detail;
    await client().feCAESolicitar(auth, { ptoVta: 1, cbteTipo: 11, details: [{ ...rest, concepto: 1, docTipo: 99, docNro: 0, impIva: 0, impTotal: 1_000_003 }] });
    expect(lastRequest.body).not.toMatch(/FchServ|FchVtoPago|CbtesAsoc|<ar:Iva>/);
    expect(lastRequest.body).toContain('<ar:DocTipo>99</ar:DocTipo><ar:DocNro>0</ar:DocNro>');
  });

  it('writes the other requests', async () => {
    nextReply = reply('FECompUltimoAutorizado', '<PtoVta>3</PtoVta><CbteTipo>11</CbteTipo><CbteNro>41</CbteNro>');
    expect(await client().feCompUltimoAutorizado(auth, 3, 11)).toBe(41);
    expect(lastRequest.body).toContain('</ar:Auth><ar:PtoVta>3</ar:PtoVta><ar:CbteTipo>11</ar:CbteTipo></ar:FECompUltimoAutorizado>');
    nextReply = reply('FECompConsultar', '<Errors><Err><Code>602</Code><Msg>No existen datos</Msg></Err></Errors>');
    expect(await client().feCompConsultar(auth, 11, 3, 41)).toBeNull();
    expect(lastRequest.body).toContain('<ar:FeCompConsReq><ar:CbteTipo>11</ar:CbteTipo><ar:CbteNro>41</ar:CbteNro><ar:PtoVta>3</ar:PtoVta></ar:FeCompConsReq>');
    nextReply = reply('FEDummy', '<AppServer>OK</AppServer><DbServer>OK</DbServer><AuthServer>OK</AuthServer>');
    await client().feDummy();
    expect(lastRequest.body).toContain('<ar:FEDummy xmlns:ar="http://ar.gov.afip.dif.FEV1/"></ar:FEDummy>');
    nextReply = reply('FEParamGetCondicionIvaReceptor', '<ResultGet><CondicionIvaReceptor><Id>5</Id><Desc>Consumidor Final</Desc><Cmp_Clase>B/C</Cmp_Clase></CondicionIvaReceptor></ResultGet>');
    expect(await client().feParamGetCondicionIvaReceptor(auth, 'B')).toEqual([{ id: 5, desc: 'Consumidor Final', cmpClase: 'B/C' }]);
    expect(lastRequest.body).toContain('<ar:ClaseCmp>B</ar:ClaseCmp>');
  });

  it('refuses malformed input before sending anything', async () => {
    const bad: Array<[Partial<FeCaeDetRequest>, RegExp]> = [
      [{ cbteFch: '2026-03-10' }, /YYYYMMDD/],
      [{ cbteFch: '20260230' }, /not a calendar date/],
      [{ fchVtoPago: '20261301' }, /not a calendar date/],
      [{ impTotal: -1 }, /negative/],
      [{ impNeto: 10.5 }, /whole/],
      [{ cbteDesde: 0 }, /cbteDesde/],
      [{ docNro: '30-00000000-7' }, /DocNro/],
      [{ monId: 'DOL' as 'PES' }, /PES/],
      [{ iva: [{ id: 5, baseImp: 100, importe: Number.NaN }] }, /whole/],
    ];
    for (const [change, message] of bad) {
      await expect(client().feCAESolicitar(auth, { ptoVta: 1, cbteTipo: 1, details: [{ ...detail, ...change }] }), JSON.stringify(change)).rejects.toThrow(message);
    }
    await expect(client().feCAESolicitar({ ...auth, cuit: '2012345678' }, { ptoVta: 1, cbteTipo: 1, details: [detail] })).rejects.toThrow('11 digits');
    await expect(client().feCAESolicitar({ ...auth, token: '' }, { ptoVta: 1, cbteTipo: 1, details: [detail] })).rejects.toThrow('token');
    await expect(client().feCAESolicitar(auth, { ptoVta: 1, cbteTipo: 1, details: [] })).rejects.toThrow('at least one');
    await expect(client().feCompUltimoAutorizado(auth, -1, 11)).rejects.toThrow(RangeError);
    expect(lastRequest.body).toBe('');
    expect(() => new WsfeClient({ url: '' })).toThrow('URL');
  });
});

describe('reply parsing', () => {
  it('reads one Obs, Err and Evt as lists of one, and several as lists', async () => {
    const one = reply(
      'FECAESolicitar',
      '<FeCabResp><Cuit>20123456786</Cuit><PtoVta>1</PtoVta><CbteTipo>11</CbteTipo><FchProceso>20260310120000</FchProceso><CantReg>1</CantReg><Resultado>R</Resultado><Reproceso>N</Reproceso></FeCabResp>' +
        '<FeDetResp><FECAEDetResponse><Concepto>1</Concepto><DocTipo>99</DocTipo><DocNro>0</DocNro><CbteDesde>5</CbteDesde><CbteHasta>5</CbteHasta><CbteFch>20260310</CbteFch><Resultado>R</Resultado>' +
        '<Observaciones><Obs><Code>10016</Code><Msg>El numero o fecha del comprobante no se corresponde</Msg></Obs></Observaciones><CAE></CAE><CAEFchVto></CAEFchVto></FECAEDetResponse></FeDetResp>' +
        '<Events><Evt><Code>35</Code><Msg>Aviso</Msg></Evt></Events><Errors><Err><Code>501</Code><Msg>x</Msg></Err></Errors>',
    );
    nextReply = one;
    const r1 = await client().feCAESolicitar(auth, { ptoVta: 1, cbteTipo: 11, details: [detail] });
    expect(r1).toEqual({
      resultado: 'R',
      cuit: '20123456786',
      ptoVta: 1,
      cbteTipo: 11,
      fchProceso: '20260310120000',
      cantReg: 1,
      reproceso: 'N',
      details: [
        { concepto: 1, docTipo: 99, docNro: '0', cbteDesde: 5, cbteHasta: 5, cbteFch: '20260310', resultado: 'R', cae: null, caeFchVto: null, observaciones: [{ code: 10016, msg: 'El numero o fecha del comprobante no se corresponde' }] },
      ],
      events: [{ code: 35, msg: 'Aviso' }],
      errors: [{ code: 501, msg: 'x' }],
    });
    nextReply = one
      .replace('</Obs></Observaciones>', '</Obs><Obs><Code>10048</Code><Msg>total</Msg></Obs></Observaciones>')
      .replace('</Err></Errors>', '</Err><Err><Code>600</Code><Msg>y</Msg></Err></Errors>')
      .replace('</FECAEDetResponse></FeDetResp>', '</FECAEDetResponse><FECAEDetResponse><CbteDesde>6</CbteDesde><Resultado>A</Resultado><CAE>74123456789012</CAE><CAEFchVto>20260320</CAEFchVto></FECAEDetResponse></FeDetResp>');
    const r2 = await client().feCAESolicitar(auth, { ptoVta: 1, cbteTipo: 11, details: [detail] });
    expect(r2.details.map((d) => d.observaciones.map((o) => o.code))).toEqual([[10016, 10048], []]);
    expect(r2.details[1]).toMatchObject({ resultado: 'A', cae: '74123456789012', caeFchVto: '20260320' });
    expect(r2.errors.map((e) => e.code)).toEqual([501, 600]);
  });

  it('reads a reply with only Errors (no header) as rejected', async () => {
    nextReply = reply('FECAESolicitar', '<Errors><Err><Code>600</Code><Msg>ValidacionDeToken</Msg></Err></Errors>');
    const result = await client().feCAESolicitar(auth, { ptoVta: 1, cbteTipo: 11, details: [detail] });
    expect(result).toMatchObject({ resultado: 'R', details: [], errors: [{ code: 600, msg: 'ValidacionDeToken' }], cuit: null });
  });

  it('reads FECompConsultar amounts exactly, however the double was printed, and one AlicIva as a list', async () => {
    nextReply = reply(
      'FECompConsultar',
      '<ResultGet><Concepto>1</Concepto><DocTipo>99</DocTipo><DocNro>0</DocNro><CbteDesde>7</CbteDesde><CbteHasta>7</CbteHasta><CbteFch>20260310</CbteFch>' +
        '<ImpTotal>1210.5</ImpTotal><ImpTotConc>0</ImpTotConc><ImpNeto>1.0004E3</ImpNeto><ImpOpEx>0</ImpOpEx><ImpTrib>0</ImpTrib><ImpIVA>210.1</ImpIVA>' +
        '<FchServDesde></FchServDesde><MonId>PES</MonId><MonCotiz>1.000000</MonCotiz><Iva><AlicIva><Id>5</Id><BaseImp>1000.40</BaseImp><Importe>210.1</Importe></AlicIva></Iva>' +
        '<Resultado>A</Resultado><CodAutorizacion>74123456789012</CodAutorizacion><EmisionTipo>CAE</EmisionTipo><FchVto>20260320</FchVto><FchProceso>20260310120000</FchProceso><PtoVta>2</PtoVta><CbteTipo>6</CbteTipo></ResultGet>',
    );
    const found = await client().feCompConsultar(auth, 6, 2, 7);
    expect(found).toMatchObject({ impTotal: 121_050, impNeto: 100_040, impIva: 21_010, monCotiz: '1.000000', fchServDesde: null, condicionIvaReceptorId: null, iva: [{ id: 5, baseImp: 100_040, importe: 21_010 }] });
  });

  it('raises WsfeError for errors of read methods, except "no data" where a list is expected', async () => {
    nextReply = reply('FECompUltimoAutorizado', '<PtoVta>1</PtoVta><CbteTipo>11</CbteTipo><Errors><Err><Code>600</Code><Msg>ValidacionDeToken: token vencido</Msg></Err></Errors>');
    const error = await client().feCompUltimoAutorizado(auth, 1, 11).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WsfeError);
    expect(error).toMatchObject({ operation: 'FECompUltimoAutorizado', errors: [{ code: 600, msg: 'ValidacionDeToken: token vencido' }], requestSent: true });
    expect((error as WsfeError).has(600)).toBe(true);
    nextReply = reply('FECompConsultar', '<Errors><Err><Code>501</Code><Msg>Error interno</Msg></Err></Errors>');
    await expect(client().feCompConsultar(auth, 11, 1, 1)).rejects.toBeInstanceOf(WsfeError);
    nextReply = reply('FEParamGetPtosVenta', '<ResultGet/><Errors><Err><Code>602</Code><Msg>Sin Resultados</Msg></Err></Errors>');
    expect(await client().feParamGetPtosVenta(auth)).toEqual([]);
  });

  it('reads parameter lists of one as lists, with NULL dates as null', async () => {
    nextReply = reply('FEParamGetTiposCbte', '<ResultGet><CbteTipo><Id>11</Id><Desc>Factura C</Desc><FchDesde>20100917</FchDesde><FchHasta>NULL</FchHasta></CbteTipo></ResultGet>');
    expect(await client().feParamGetTiposCbte(auth)).toEqual([{ id: 11, desc: 'Factura C', fchDesde: '20100917', fchHasta: null }]);
    nextReply = reply('FEParamGetPtosVenta', '<ResultGet><PtoVenta><Nro>4</Nro><EmisionTipo>CAE - RECE</EmisionTipo><Bloqueado>S</Bloqueado><FchBaja>20250101</FchBaja></PtoVenta></ResultGet>');
    expect(await client().feParamGetPtosVenta(auth)).toEqual([{ nro: 4, emisionTipo: 'CAE - RECE', bloqueado: true, fchBaja: '20250101' }]);
  });

  it('refuses a reply without the method result', async () => {
    nextReply = soapEnvelope('<Other/>');
    await expect(client().feDummy()).rejects.toThrow('FEDummyResult');
  });
});
