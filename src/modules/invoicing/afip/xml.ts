import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * XML helpers shared by the AFIP clients and the local sandbox.
 *
 * Envelopes are written as template strings instead of with fast-xml-parser's builder: they are
 * small and fixed, WSFEv1's schema is a set of xs:sequence (element order matters, and a
 * template shows it literally), and every interpolated value goes through escapeXml (or is a
 * number we formatted), so there is no injection path.
 */

export const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/** Text content and attribute values alike. */
export function escapeXml(value: string | number): string {
  const text = String(value);
  // XML 1.0 cannot carry most control characters at all, escaped or not.
  if (hasForbiddenChar(text)) throw new TypeError('Text contains characters XML 1.0 cannot carry');
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function hasForbiddenChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff) return true;
  }
  return false;
}

export type XmlNode = string | XmlObject | XmlNode[];
export interface XmlObject {
  [key: string]: XmlNode;
}

export class XmlParseError extends Error {
  override readonly name = 'XmlParseError';
}

/**
 * Parses with namespace prefixes removed, attributes ignored and every value kept as a string
 * (amounts and document numbers must never pass through a float, and "00012" must stay as it
 * is). `arrayTags` are the element names that are repeated lists in the schema (Obs, Err,
 * AlicIva …): fast-xml-parser makes a single child a plain value and two children an array,
 * so those are always arrays here. Names are matched on the last path segment, or on the full
 * dotted path for names that are a list in one place and a scalar in another.
 */
export function parseXml(text: string, arrayTags: ReadonlySet<string> = new Set()): XmlObject {
  // SOAP 1.1 forbids a DTD; refusing it also rules out entity expansion tricks.
  if (/<!DOCTYPE/i.test(text)) throw new XmlParseError('XML with a DOCTYPE is not accepted');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlParseError(`Malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const parser = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name, jPath) => arrayTags.has(name) || (typeof jPath === 'string' && matchesPath(arrayTags, jPath)),
  });
  try {
    const parsed: unknown = parser.parse(text);
    if (!parsed || typeof parsed !== 'object') throw new XmlParseError('Empty XML document');
    return parsed as XmlObject;
  } catch (error) {
    if (error instanceof XmlParseError) throw error;
    throw new XmlParseError(`Malformed XML: ${(error as Error).message}`, { cause: error });
  }
}

function matchesPath(tags: ReadonlySet<string>, jPath: string): boolean {
  for (const tag of tags) if (tag.includes('.') && jPath.endsWith(tag) && (jPath.length === tag.length || jPath[jPath.length - tag.length - 1] === '.')) return true;
  return false;
}

/** The child object, or undefined when absent or empty (`<Observaciones/>` parses as ""). */
export function child(node: XmlNode | undefined, name: string): XmlObject | undefined {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const value = node[name];
  if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  return undefined;
}

/** A list child: always an array (see parseXml's arrayTags), empty when absent. */
export function children(node: XmlNode | undefined, name: string): XmlObject[] {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
  const value = node[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is XmlObject => !!v && typeof v === 'object' && !Array.isArray(v));
}

/** A leaf's text, or undefined when absent. Elements with children are not text. */
export function text(node: XmlNode | undefined, name: string): string | undefined {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const value = node[name];
  return typeof value === 'string' ? value : undefined;
}
