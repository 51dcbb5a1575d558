export * from './endpoints.js';
export * from './money.js';
export * from './soap.js';
export * from './wsaa.js';
export * from './wsfe.js';
export { escapeXml } from './xml.js';
