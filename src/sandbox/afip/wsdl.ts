import { WSAA_NAMESPACE } from '../../modules/invoicing/afip/wsaa.js';
import { WSFE_NAMESPACE } from '../../modules/invoicing/afip/wsfe.js';
import { escapeXml } from '../../modules/invoicing/afip/xml.js';

/**
 * The sandbox's own WSDLs (`?wsdl` on each service), hand-written to describe what the sandbox
 * implements and nothing more: WSAA's loginCms, and the WSFEv1 methods in WSFE_OPERATIONS, with
 * AFIP's namespaces and SOAPActions (SOAP 1.1, document/literal) so a WSDL-driven client
 * generated against them talks to the sandbox as it would to AFIP.
 */

/** The WSFEv1 methods the sandbox answers; its dispatcher and its WSDL both come from this list. */
export const WSFE_OPERATIONS = [
  'FEDummy',
  'FECompUltimoAutorizado',
  'FECAESolicitar',
  'FECompConsultar',
  'FEParamGetTiposCbte',
  'FEParamGetTiposDoc',
  'FEParamGetTiposIva',
  'FEParamGetTiposMonedas',
  'FEParamGetPtosVenta',
  'FEParamGetCondicionIvaReceptor',
] as const;

export type WsfeOperation = (typeof WSFE_OPERATIONS)[number];

const XSD = 'http://www.w3.org/2001/XMLSchema';
const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const SOAP = 'http://schemas.xmlsoap.org/wsdl/soap/';
const HTTP = 'http://schemas.xmlsoap.org/soap/http';

type Field = [name: string, type: string, min?: 0 | 1, max?: 1 | 'unbounded'];

/** A named complex type as a sequence of fields; `0`/`1` minOccurs, maxOccurs default 1. */
function type(name: string, fields: Field[]): string {
  return `<s:complexType name="${name}"><s:sequence>${fields.map(field).join('')}</s:sequence></s:complexType>`;
}

function field([name, t, min = 0, max = 1]: Field): string {
  return `<s:element minOccurs="${min}" maxOccurs="${max}" name="${name}" type="${t}"/>`;
}

const arrayOf = (item: string, t = `tns:${item}`) => type(`ArrayOf${item}`, [[item, t, 0, 'unbounded']]);

/** Request and response wrappers of one method, as .NET's document/literal wrapped style writes them. */
function wrapper(method: string, input: Field[], result: string): string {
  return (
    `<s:element name="${method}"><s:complexType><s:sequence>${input.map(field).join('')}</s:sequence></s:complexType></s:element>` +
    `<s:element name="${method}Response"><s:complexType><s:sequence>${field([`${method}Result`, result])}</s:sequence></s:complexType></s:element>`
  );
}

const auth: Field = ['Auth', 'tns:FEAuthRequest'];
const messages: Field[] = [
  ['Errors', 'tns:ArrayOfErr'],
  ['Events', 'tns:ArrayOfEvt'],
];
const paramItem = (name: string, id: string) => type(name, [['Id', id, 1], ['Desc', 's:string'], ['FchDesde', 's:string'], ['FchHasta', 's:string']]);
const paramResponse = (name: string, item: string) => type(name, [['ResultGet', `tns:ArrayOf${item}`], ...messages]);

const WSFE_INPUTS: Record<WsfeOperation, { input: Field[]; result: string }> = {
  FEDummy: { input: [], result: 'tns:DummyResponse' },
  FECompUltimoAutorizado: { input: [auth, ['PtoVta', 's:int', 1], ['CbteTipo', 's:int', 1]], result: 'tns:FERecuperaLastCbteResponse' },
  FECAESolicitar: { input: [auth, ['FeCAEReq', 'tns:FECAERequest']], result: 'tns:FECAEResponse' },
  FECompConsultar: { input: [auth, ['FeCompConsReq', 'tns:FECompConsultaReq']], result: 'tns:FECompConsultaResponse' },
  FEParamGetTiposCbte: { input: [auth], result: 'tns:CbteTipoResponse' },
  FEParamGetTiposDoc: { input: [auth], result: 'tns:DocTipoResponse' },
  FEParamGetTiposIva: { input: [auth], result: 'tns:IvaTipoResponse' },
  FEParamGetTiposMonedas: { input: [auth], result: 'tns:MonedaResponse' },
  FEParamGetPtosVenta: { input: [auth], result: 'tns:FEPtoVentaResponse' },
  FEParamGetCondicionIvaReceptor: { input: [auth, ['ClaseCmp', 's:string']], result: 'tns:CondicionIvaReceptorResponse' },
};

const DOCUMENTATION: Record<WsfeOperation, string> = {
  FEDummy: 'Health of the application, database and authentication servers',
  FECompUltimoAutorizado: 'The last authorized number of a point of sale and voucher type',
  FECAESolicitar: 'Requests CAEs for consecutive vouchers',
  FECompConsultar: 'An authorized voucher',
  FEParamGetTiposCbte: 'Voucher types',
  FEParamGetTiposDoc: 'Document types',
  FEParamGetTiposIva: 'IVA rates',
  FEParamGetTiposMonedas: 'Currencies',
  FEParamGetPtosVenta: 'Points of sale enabled for web services',
  FEParamGetCondicionIvaReceptor: 'Receiver IVA conditions (RG 5616/2024)',
};

const WSFE_TYPES = [
  type('FEAuthRequest', [['Token', 's:string'], ['Sign', 's:string'], ['Cuit', 's:long', 1]]),
  type('DummyResponse', [['AppServer', 's:string'], ['DbServer', 's:string'], ['AuthServer', 's:string']]),
  type('Err', [['Code', 's:int', 1], ['Msg', 's:string']]),
  type('Evt', [['Code', 's:int', 1], ['Msg', 's:string']]),
  type('Obs', [['Code', 's:int', 1], ['Msg', 's:string']]),
  arrayOf('Err'),
  arrayOf('Evt'),
  arrayOf('Obs'),
  type('FERecuperaLastCbteResponse', [['PtoVta', 's:int', 1], ['CbteTipo', 's:int', 1], ['CbteNro', 's:int', 1], ...messages]),
  type('FECAERequest', [['FeCabReq', 'tns:FECAECabRequest'], ['FeDetReq', 'tns:ArrayOfFECAEDetRequest']]),
  type('FECAECabRequest', [['CantReg', 's:int', 1], ['PtoVta', 's:int', 1], ['CbteTipo', 's:int', 1]]),
  arrayOf('FECAEDetRequest'),
  type('FECAEDetRequest', [
    ['Concepto', 's:int', 1],
    ['DocTipo', 's:int', 1],
    ['DocNro', 's:long', 1],
    ['CbteDesde', 's:long', 1],
    ['CbteHasta', 's:long', 1],
    ['CbteFch', 's:string'],
    ['ImpTotal', 's:double', 1],
    ['ImpTotConc', 's:double', 1],
    ['ImpNeto', 's:double', 1],
    ['ImpOpEx', 's:double', 1],
    ['ImpTrib', 's:double', 1],
    ['ImpIVA', 's:double', 1],
    ['FchServDesde', 's:string'],
    ['FchServHasta', 's:string'],
    ['FchVtoPago', 's:string'],
    ['MonId', 's:string'],
    ['MonCotiz', 's:double', 1],
    ['CondicionIVAReceptorId', 's:int', 1],
    ['CbtesAsoc', 'tns:ArrayOfCbteAsoc'],
    ['Iva', 'tns:ArrayOfAlicIva'],
  ]),
  type('CbteAsoc', [['Tipo', 's:int', 1], ['PtoVta', 's:int', 1], ['Nro', 's:long', 1], ['Cuit', 's:string'], ['CbteFch', 's:string']]),
  arrayOf('CbteAsoc'),
  type('AlicIva', [['Id', 's:int', 1], ['BaseImp', 's:double', 1], ['Importe', 's:double', 1]]),
  arrayOf('AlicIva'),
  type('FECAEResponse', [['FeCabResp', 'tns:FECAECabResponse'], ['FeDetResp', 'tns:ArrayOfFECAEDetResponse'], ...messages]),
  type('FECAECabResponse', [['Cuit', 's:long', 1], ['PtoVta', 's:int', 1], ['CbteTipo', 's:int', 1], ['FchProceso', 's:string'], ['CantReg', 's:int', 1], ['Resultado', 's:string'], ['Reproceso', 's:string']]),
  arrayOf('FECAEDetResponse'),
  type('FECAEDetResponse', [
    ['Concepto', 's:int', 1],
    ['DocTipo', 's:int', 1],
    ['DocNro', 's:long', 1],
    ['CbteDesde', 's:long', 1],
    ['CbteHasta', 's:long', 1],
    ['CbteFch', 's:string'],
    ['Resultado', 's:string'],
    ['Observaciones', 'tns:ArrayOfObs'],
    ['CAE', 's:string'],
    ['CAEFchVto', 's:string'],
  ]),
  type('FECompConsultaReq', [['CbteTipo', 's:int', 1], ['CbteNro', 's:long', 1], ['PtoVta', 's:int', 1]]),
  type('FECompConsultaResponse', [['ResultGet', 'tns:FECompConsResponse'], ...messages]),
  type('FECompConsResponse', [
    ['Concepto', 's:int', 1],
    ['DocTipo', 's:int', 1],
    ['DocNro', 's:long', 1],
    ['CbteDesde', 's:long', 1],
    ['CbteHasta', 's:long', 1],
    ['CbteFch', 's:string'],
    ['ImpTotal', 's:double', 1],
    ['ImpTotConc', 's:double', 1],
    ['ImpNeto', 's:double', 1],
    ['ImpOpEx', 's:double', 1],
    ['ImpTrib', 's:double', 1],
    ['ImpIVA', 's:double', 1],
    ['FchServDesde', 's:string'],
    ['FchServHasta', 's:string'],
    ['FchVtoPago', 's:string'],
    ['MonId', 's:string'],
    ['MonCotiz', 's:double', 1],
    ['CondicionIVAReceptorId', 's:int', 1],
    ['CbtesAsoc', 'tns:ArrayOfCbteAsoc'],
    ['Iva', 'tns:ArrayOfAlicIva'],
    ['Resultado', 's:string'],
    ['CodAutorizacion', 's:string'],
    ['EmisionTipo', 's:string'],
    ['FchVto', 's:string'],
    ['FchProceso', 's:string'],
    ['Observaciones', 'tns:ArrayOfObs'],
    ['PtoVta', 's:int', 1],
    ['CbteTipo', 's:int', 1],
  ]),
  paramItem('CbteTipo', 's:int'),
  arrayOf('CbteTipo'),
  paramResponse('CbteTipoResponse', 'CbteTipo'),
  paramItem('DocTipo', 's:int'),
  arrayOf('DocTipo'),
  paramResponse('DocTipoResponse', 'DocTipo'),
  paramItem('IvaTipo', 's:string'),
  arrayOf('IvaTipo'),
  paramResponse('IvaTipoResponse', 'IvaTipo'),
  paramItem('Moneda', 's:string'),
  arrayOf('Moneda'),
  paramResponse('MonedaResponse', 'Moneda'),
  type('PtoVenta', [['Nro', 's:int', 1], ['EmisionTipo', 's:string'], ['Bloqueado', 's:string'], ['FchBaja', 's:string']]),
  arrayOf('PtoVenta'),
  paramResponse('FEPtoVentaResponse', 'PtoVenta'),
  type('CondicionIvaReceptor', [['Id', 's:int', 1], ['Desc', 's:string'], ['Cmp_Clase', 's:string']]),
  arrayOf('CondicionIvaReceptor'),
  paramResponse('CondicionIvaReceptorResponse', 'CondicionIvaReceptor'),
].join('');

/** WSFEv1 (http://ar.gov.afip.dif.FEV1/), SOAP 1.1 document/literal, served at `address`. */
export function wsfeWsdl(address: string): string {
  const ops = WSFE_OPERATIONS;
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<wsdl:definitions xmlns:wsdl="${WSDL}" xmlns:soap="${SOAP}" xmlns:s="${XSD}" xmlns:tns="${WSFE_NAMESPACE}" targetNamespace="${WSFE_NAMESPACE}">` +
    '<wsdl:documentation>BarberPro AFIP sandbox: WSFEv1, the methods the sandbox implements.</wsdl:documentation>' +
    `<wsdl:types><s:schema elementFormDefault="qualified" targetNamespace="${WSFE_NAMESPACE}">` +
    ops.map((op) => wrapper(op, WSFE_INPUTS[op].input, WSFE_INPUTS[op].result)).join('') +
    WSFE_TYPES +
    '</s:schema></wsdl:types>' +
    ops
      .map(
        (op) =>
          `<wsdl:message name="${op}SoapIn"><wsdl:part name="parameters" element="tns:${op}"/></wsdl:message>` +
          `<wsdl:message name="${op}SoapOut"><wsdl:part name="parameters" element="tns:${op}Response"/></wsdl:message>`,
      )
      .join('') +
    '<wsdl:portType name="ServiceSoap">' +
    ops
      .map(
        (op) =>
          `<wsdl:operation name="${op}"><wsdl:documentation>${DOCUMENTATION[op]}</wsdl:documentation>` +
          `<wsdl:input message="tns:${op}SoapIn"/><wsdl:output message="tns:${op}SoapOut"/></wsdl:operation>`,
      )
      .join('') +
    '</wsdl:portType>' +
    `<wsdl:binding name="ServiceSoap" type="tns:ServiceSoap"><soap:binding transport="${HTTP}"/>` +
    ops
      .map(
        (op) =>
          `<wsdl:operation name="${op}"><soap:operation soapAction="${WSFE_NAMESPACE}${op}" style="document"/>` +
          '<wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>',
      )
      .join('') +
    '</wsdl:binding>' +
    `<wsdl:service name="Service"><wsdl:port name="ServiceSoap" binding="tns:ServiceSoap"><soap:address location="${escapeXml(address)}"/></wsdl:port></wsdl:service>` +
    '</wsdl:definitions>'
  );
}

/** WSAA (LoginCms), as AFIP's Axis service describes it: document/literal, empty SOAPAction, LoginFault. */
export function wsaaWsdl(address: string): string {
  const impl = escapeXml(address);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<wsdl:definitions xmlns:wsdl="${WSDL}" xmlns:wsdlsoap="${SOAP}" xmlns:xsd="${XSD}" xmlns:impl="${impl}" xmlns:tns1="${WSAA_NAMESPACE}" targetNamespace="${impl}">` +
    '<wsdl:documentation>BarberPro AFIP sandbox: WSAA (LoginCms).</wsdl:documentation>' +
    '<wsdl:types>' +
    `<schema xmlns="${XSD}" elementFormDefault="qualified" targetNamespace="${WSAA_NAMESPACE}">` +
    '<element name="loginCms"><complexType><sequence><element name="in0" type="xsd:string"/></sequence></complexType></element>' +
    '<element name="loginCmsResponse"><complexType><sequence><element name="loginCmsReturn" type="xsd:string"/></sequence></complexType></element>' +
    '<complexType name="LoginFault"><sequence/></complexType>' +
    '<element name="fault" type="tns1:LoginFault"/>' +
    '</schema>' +
    '</wsdl:types>' +
    '<wsdl:message name="loginCmsRequest"><wsdl:part element="tns1:loginCms" name="parameters"/></wsdl:message>' +
    '<wsdl:message name="loginCmsResponse"><wsdl:part element="tns1:loginCmsResponse" name="parameters"/></wsdl:message>' +
    '<wsdl:message name="LoginFault"><wsdl:part element="tns1:fault" name="fault"/></wsdl:message>' +
    '<wsdl:portType name="LoginCMS"><wsdl:operation name="loginCms">' +
    '<wsdl:input message="impl:loginCmsRequest" name="loginCmsRequest"/><wsdl:output message="impl:loginCmsResponse" name="loginCmsResponse"/>' +
    '<wsdl:fault message="impl:LoginFault" name="LoginFault"/></wsdl:operation></wsdl:portType>' +
    `<wsdl:binding name="LoginCmsSoapBinding" type="impl:LoginCMS"><wsdlsoap:binding style="document" transport="${HTTP}"/>` +
    '<wsdl:operation name="loginCms"><wsdlsoap:operation soapAction=""/>' +
    '<wsdl:input name="loginCmsRequest"><wsdlsoap:body use="literal"/></wsdl:input>' +
    '<wsdl:output name="loginCmsResponse"><wsdlsoap:body use="literal"/></wsdl:output>' +
    '<wsdl:fault name="LoginFault"><wsdlsoap:fault name="LoginFault" use="literal"/></wsdl:fault>' +
    '</wsdl:operation></wsdl:binding>' +
    `<wsdl:service name="LoginCMSService"><wsdl:port binding="impl:LoginCmsSoapBinding" name="LoginCms"><wsdlsoap:address location="${impl}"/></wsdl:port></wsdl:service>` +
    '</wsdl:definitions>'
  );
}
