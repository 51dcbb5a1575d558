import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WSAA_NAMESPACE } from '../../modules/invoicing/afip/wsaa.js';
import { WSFE_NAMESPACE } from '../../modules/invoicing/afip/wsfe.js';
import { startAfipSandbox, type AfipSandbox } from './sandbox.js';
import { WSFE_OPERATIONS } from './wsdl.js';

/**
 * The sandbox's WSDLs, read as a WSDL consumer would: every WSFEv1 method BarberPro's client
 * calls is declared with its SOAPAction, the declared set is exactly what the sandbox answers,
 * and soap:address is the sandbox itself.
 */

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['wsdl:operation', 'wsdl:message', 'wsdl:part', 's:element', 'element'].includes(name) });

/** The WSFEv1 methods src/modules/invoicing/afip/wsfe.ts sends, read from its source. */
function clientOperations(): string[] {
  const source = readFileSync(new URL('../../modules/invoicing/afip/wsfe.ts', import.meta.url), 'utf8');
  const calls = [...source.matchAll(/this\.call\('(FE\w+)'/g), ...source.matchAll(/this\.paramList\(auth, '(FE\w+)'/g), ...source.matchAll(/const method = '(FE\w+)'/g)].map((m) => m[1]!);
  return [...new Set(calls)].sort();
}

interface Wsdl {
  targetNamespace: string;
  portOps: string[];
  binding: Map<string, string>;
  address: string;
  schemaNamespaces: string[];
  messages: Map<string, string>;
}

function read(xml: string, soapPrefix: string): Wsdl {
  const doc = parser.parse(xml) as Record<string, any>;
  const defs = doc['wsdl:definitions'];
  const binding = defs['wsdl:binding'];
  const schemas = [defs['wsdl:types']['s:schema'] ?? defs['wsdl:types']['schema']].flat();
  return {
    targetNamespace: defs['@targetNamespace'],
    portOps: defs['wsdl:portType']['wsdl:operation'].map((o: any) => o['@name']),
    binding: new Map(binding['wsdl:operation'].map((o: any) => [o['@name'], o[`${soapPrefix}:operation`]['@soapAction']])),
    address: defs['wsdl:service']['wsdl:port'][`${soapPrefix}:address`]['@location'],
    schemaNamespaces: schemas.map((s: any) => s['@targetNamespace']),
    messages: new Map(defs['wsdl:message'].map((m: any) => [m['@name'], m['wsdl:part'][0]['@element']])),
  };
}

let sandbox: AfipSandbox;
beforeAll(async () => {
  sandbox = await startAfipSandbox();
});
afterAll(async () => sandbox.close());

describe('GET …/service.asmx?WSDL (WSFEv1)', () => {
  it('declares every method the client calls, with AFIP’s namespace and SOAPAction, at the sandbox’s address', async () => {
    const res = await fetch(`${sandbox.wsfeUrl}?WSDL`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    const wsdl = read(await res.text(), 'soap');
    expect(wsdl.targetNamespace).toBe(WSFE_NAMESPACE);
    expect(wsdl.schemaNamespaces).toEqual([WSFE_NAMESPACE]);
    expect(wsdl.address).toBe(sandbox.wsfeUrl);

    const used = clientOperations();
    expect(used).toEqual(expect.arrayContaining(['FEDummy', 'FECompUltimoAutorizado', 'FECAESolicitar', 'FECompConsultar', 'FEParamGetPtosVenta', 'FEParamGetCondicionIvaReceptor']));
    expect(used.length).toBe(10);
    for (const op of used) {
      expect(wsdl.portOps, op).toContain(op);
      expect(wsdl.binding.get(op), op).toBe(`${WSFE_NAMESPACE}${op}`);
      expect(wsdl.messages.get(`${op}SoapIn`)).toBe(`tns:${op}`);
      expect(wsdl.messages.get(`${op}SoapOut`)).toBe(`tns:${op}Response`);
    }
    // Exactly what the sandbox implements: nothing more is promised.
    expect([...wsdl.binding.keys()].sort()).toEqual([...WSFE_OPERATIONS].sort());
    expect(wsdl.portOps.sort()).toEqual([...WSFE_OPERATIONS].sort());
  });

  it('every declared operation is answered by the sandbox under its SOAPAction (not "did not recognize")', async () => {
    const wsdl = read(await (await fetch(`${sandbox.wsfeUrl}?wsdl`)).text(), 'soap');
    for (const [op, action] of wsdl.binding) {
      const body = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${op} xmlns="${WSFE_NAMESPACE}"/></soap:Body></soap:Envelope>`;
      const res = await fetch(sandbox.wsfeUrl, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${action}"` }, body });
      const text = await res.text();
      expect(text, op).not.toContain('did not recognize');
      expect(text, op).toContain(`<${op}Response`);
    }
  });

  it('the schema is self-contained: every tns: type and element a message or field names is declared', async () => {
    const xml = await (await fetch(`${sandbox.wsfeUrl}?wsdl`)).text();
    const declaredTypes = new Set([...xml.matchAll(/<s:complexType name="(\w+)"/g)].map((m) => m[1]));
    const declaredElements = new Set([...xml.matchAll(/<s:element name="(\w+)"><s:complexType>/g)].map((m) => m[1]));
    const typeRefs = [...xml.matchAll(/<s:element [^>]*type="tns:(\w+)"/g)].map((m) => m[1]);
    const elementRefs = [...xml.matchAll(/element="tns:(\w+)"/g)].map((m) => m[1]);
    expect(typeRefs.length).toBeGreaterThan(40);
    expect(typeRefs.filter((t) => !declaredTypes.has(t))).toEqual([]);
    expect(elementRefs.filter((e) => !declaredElements.has(e))).toEqual([]);
    expect(xml).toContain('<wsdl:binding name="ServiceSoap" type="tns:ServiceSoap">');
    // Every XSD primitive used is one the s: prefix really has.
    expect(new Set([...xml.matchAll(/type="s:(\w+)"/g)].map((m) => m[1]))).toEqual(new Set(['string', 'int', 'long', 'double']));
  });

  it('the query is case-insensitive and follows the sandbox when it is down', async () => {
    for (const q of ['wsdl', 'WSDL', 'Wsdl']) expect((await fetch(`${sandbox.wsfeUrl}?${q}`)).status).toBe(200);
    await sandbox.controls.setDown('503');
    try {
      expect((await fetch(`${sandbox.wsfeUrl}?wsdl`)).status).toBe(503);
    } finally {
      await sandbox.controls.setDown(false);
    }
    expect((await fetch(sandbox.wsfeUrl)).status).toBe(405);
  });
});

describe('GET /ws/services/LoginCms?wsdl (WSAA)', () => {
  it('declares loginCms in WSAA’s namespace with an empty SOAPAction, at the sandbox’s address', async () => {
    for (const q of ['wsdl', 'WSDL']) {
      const res = await fetch(`${sandbox.wsaaUrl}?${q}`);
      expect(res.status).toBe(200);
      const xml = await res.text();
      const wsdl = read(xml, 'wsdlsoap');
      expect(wsdl.portOps).toEqual(['loginCms']);
      // The client sends an empty SOAPAction (wsaa.ts); the WSDL says the same.
      expect(wsdl.binding.get('loginCms')).toBe('');
      expect(wsdl.address).toBe(sandbox.wsaaUrl);
      expect(wsdl.schemaNamespaces).toEqual([WSAA_NAMESPACE]);
      expect(wsdl.messages.get('loginCmsRequest')).toBe('tns1:loginCms');
      expect(wsdl.messages.get('loginCmsResponse')).toBe('tns1:loginCmsResponse');
      expect(xml).toContain(`xmlns:tns1="${WSAA_NAMESPACE}"`);
      const doc = parser.parse(xml) as Record<string, any>;
      const elements = doc['wsdl:definitions']['wsdl:types'].schema.element.map((e: any) => e['@name']);
      expect(elements).toEqual(expect.arrayContaining(['loginCms', 'loginCmsResponse']));
    }
  });
});
