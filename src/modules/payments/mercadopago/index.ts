export * from './client.js';
export * from './money.js';
export * from './signature.js';
