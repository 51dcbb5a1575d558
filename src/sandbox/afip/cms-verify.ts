import { createHash, timingSafeEqual, verify as verifySignature, X509Certificate } from 'node:crypto';

/**
 * Verification of the CMS SignedData a WSAA client sends, done by hand because node-forge can
 * sign CMS but not verify it: walk the DER, check the messageDigest attribute against SHA-256
 * of the content, check the RSA signature over the signed attributes re-tagged as a SET OF
 * (RFC 5652 §5.4: the [0] IMPLICIT tag is replaced by the SET tag, bytes otherwise as sent),
 * and check the signer's certificate was issued by the trusted CA and is in force.
 */

export class CmsError extends Error {
  override readonly name = 'CmsError';
  constructor(
    /** A WSAA fault code (cms.bad, cms.sign.invalid, cms.cert.untrusted …). */
    readonly faultCode: string,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifiedCms {
  content: Buffer;
  certificate: X509Certificate;
  signingTime: Date | undefined;
}

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  data: '1.2.840.113549.1.7.1',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
};

// ─── a minimal DER reader ───────────────────────────────────────────────────────────────

interface Tlv {
  /** The identifier octet (class, constructed bit, low tag number). */
  tag: number;
  /** The whole element, header included. */
  raw: Buffer;
  value: Buffer;
}

const TAG = { INTEGER: 0x02, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, UTC_TIME: 0x17, GENERALIZED_TIME: 0x18, SEQUENCE: 0x30, SET: 0x31, CTX0: 0xa0, CTX1: 0xa1 };

function bad(message: string): CmsError {
  return new CmsError('cms.bad', message);
}

function readTlv(buf: Buffer, offset: number): Tlv {
  if (offset + 2 > buf.length) throw bad('truncated DER');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw bad('high tag numbers are not used in CMS');
  let length = buf[offset + 1]!;
  let header = 2;
  if (length === 0x80) throw bad('indefinite (BER) lengths are not accepted: send DER');
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count > 4 || offset + 2 + count > buf.length) throw bad('bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[offset + 2 + i]!;
    header += count;
  }
  const end = offset + header + length;
  if (end > buf.length) throw bad('truncated DER');
  return { tag, raw: buf.subarray(offset, end), value: buf.subarray(offset + header, end) };
}

function parseAll(value: Buffer): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = 0; offset < value.length; ) {
    const tlv = readTlv(value, offset);
    out.push(tlv);
    offset += tlv.raw.length;
  }
  return out;
}

function expect(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw bad(`${what} missing or malformed`);
  return tlv;
}

function oid(tlv: Tlv | undefined, what: string): string {
  const value = expect(tlv, TAG.OID, what).value;
  if (value.length === 0) throw bad(`${what}: empty OID`);
  const parts: number[] = [];
  let n = 0;
  for (const byte of value) {
    n = n * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(n);
      n = 0;
    }
  }
  const first = parts.shift()!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

function derTime(tlv: Tlv): Date | undefined {
  const s = tlv.value.toString('latin1');
  let m: RegExpExecArray | null;
  if (tlv.tag === TAG.UTC_TIME && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    const yy = Number(m[1]);
    return new Date(Date.UTC(yy < 50 ? 2000 + yy : 1900 + yy, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  if (tlv.tag === TAG.GENERALIZED_TIME && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  return undefined;
}

/** issuer Name and serialNumber INTEGER of a certificate, as DER. */
function issuerAndSerial(certDer: Buffer): { issuer: Buffer; serial: Buffer } {
  const cert = expect(readTlv(certDer, 0), TAG.SEQUENCE, 'Certificate');
  const tbs = parseAll(expect(parseAll(cert.value)[0], TAG.SEQUENCE, 'TBSCertificate').value);
  const i = tbs[0]?.tag === TAG.CTX0 ? 1 : 0;
  return { serial: expect(tbs[i], TAG.INTEGER, 'certificate serial').raw, issuer: expect(tbs[i + 2], TAG.SEQUENCE, 'certificate issuer').raw };
}

// ─── verification ───────────────────────────────────────────────────────────────────────

export function verifyCms(der: Buffer, trustedCa: X509Certificate, now: Date): VerifiedCms {
  const contentInfo = parseAll(expect(readTlv(der, 0), TAG.SEQUENCE, 'ContentInfo').value);
  if (oid(contentInfo[0], 'contentType') !== OID.signedData) throw bad('not a CMS SignedData');
  const signedData = parseAll(expect(parseAll(expect(contentInfo[1], TAG.CTX0, 'content').value)[0], TAG.SEQUENCE, 'SignedData').value);

  const [, , encap, ...rest] = signedData;
  const encapFields = parseAll(expect(encap, TAG.SEQUENCE, 'encapContentInfo').value);
  if (oid(encapFields[0], 'eContentType') !== OID.data) throw bad('the signed content is not id-data');
  const eContent = expect(encapFields[1], TAG.CTX0, 'eContent (the TRA must be attached)');
  const content = expect(parseAll(eContent.value)[0], TAG.OCTET_STRING, 'eContent OCTET STRING').value;

  const certificates = rest.find((t) => t.tag === TAG.CTX0);
  const signerInfos = parseAll(expect(rest[rest.length - 1], TAG.SET, 'signerInfos').value);
  if (signerInfos.length !== 1) throw bad('exactly one signer is expected');
  const signer = parseAll(expect(signerInfos[0], TAG.SEQUENCE, 'SignerInfo').value);
  const [, sid, digestAlgorithm, signedAttrs, signatureAlgorithm, signature] = signer;

  if (oid(parseAll(expect(digestAlgorithm, TAG.SEQUENCE, 'digestAlgorithm').value)[0], 'digestAlgorithm') !== OID.sha256)
    throw new CmsError('cms.sign.invalid', 'Firma inválida o algoritmo no soportado (SHA-256 expected)');
  const sigAlg = oid(parseAll(expect(signatureAlgorithm, TAG.SEQUENCE, 'signatureAlgorithm').value)[0], 'signatureAlgorithm');
  if (sigAlg !== OID.rsaEncryption && sigAlg !== OID.sha256WithRsa) throw new CmsError('cms.sign.invalid', 'Firma inválida o algoritmo no soportado (RSA expected)');
  const attrsTlv = expect(signedAttrs, TAG.CTX0, 'signedAttrs');
  const signatureValue = expect(signature, TAG.OCTET_STRING, 'signature').value;

  // The signer's certificate, found by issuer and serial number among those sent.
  const sidFields = parseAll(expect(sid, TAG.SEQUENCE, 'signer identifier (issuerAndSerialNumber)').value);
  const sidIssuer = expect(sidFields[0], TAG.SEQUENCE, 'sid issuer').raw;
  const sidSerial = expect(sidFields[1], TAG.INTEGER, 'sid serial').raw;
  const certDer = (certificates ? parseAll(certificates.value) : []).map((c) => c.raw).find((raw) => {
    const ids = issuerAndSerial(raw);
    return ids.issuer.equals(sidIssuer) && ids.serial.equals(sidSerial);
  });
  if (!certDer) throw bad("the signer's certificate is not in the CMS");
  const certificate = new X509Certificate(certDer);

  // Signed attributes.
  let contentType: string | undefined;
  let messageDigest: Buffer | undefined;
  let signingTime: Date | undefined;
  for (const attr of parseAll(attrsTlv.value)) {
    const [type, values] = parseAll(expect(attr, TAG.SEQUENCE, 'Attribute').value);
    const first = parseAll(expect(values, TAG.SET, 'Attribute values').value)[0];
    if (!first) throw bad('attribute without a value');
    const attrType = oid(type, 'attribute type');
    if (attrType === OID.contentType) contentType = oid(first, 'contentType');
    else if (attrType === OID.messageDigest) messageDigest = expect(first, TAG.OCTET_STRING, 'messageDigest').value;
    else if (attrType === OID.signingTime) signingTime = derTime(first);
  }
  if (contentType !== OID.data) throw bad('the contentType signed attribute must be id-data');
  if (!messageDigest) throw bad('the messageDigest signed attribute is missing');
  if (!signingTime) throw bad('the signingTime signed attribute is missing');
  const digest = createHash('sha256').update(content).digest();
  if (messageDigest.length !== digest.length || !timingSafeEqual(messageDigest, digest))
    throw new CmsError('cms.sign.invalid', 'Firma inválida: el messageDigest no corresponde al contenido');

  const toVerify = Buffer.from(attrsTlv.raw);
  toVerify[0] = TAG.SET;
  let valid: boolean;
  try {
    valid = verifySignature('sha256', toVerify, certificate.publicKey, signatureValue);
  } catch {
    valid = false;
  }
  if (!valid) throw new CmsError('cms.sign.invalid', 'Firma inválida o algoritmo no soportado');

  if (!certificate.checkIssued(trustedCa) || !certificate.verify(trustedCa.publicKey))
    throw new CmsError('cms.cert.untrusted', 'Certificado no emitido por AC de confianza');
  if (Date.parse(certificate.validFrom) > now.getTime()) throw new CmsError('cms.cert.invalid', 'Certificado todavía no vigente');
  if (Date.parse(certificate.validTo) < now.getTime()) throw new CmsError('cms.cert.expired', 'Certificado expirado');
  return { content, certificate, signingTime };
}
