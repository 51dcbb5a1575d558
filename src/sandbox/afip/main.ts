import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCertificateAuthority } from './ca.js';
import { startAfipSandbox } from './sandbox.js';

/**
 * Runs the AFIP sandbox on its own for development:
 *
 *   npx tsx src/sandbox/afip/main.ts
 *
 * Configured by environment variables (all optional). The CA is kept in AFIP_SANDBOX_DIR so
 * certificates stay valid across restarts, and a certificate for AFIP_SANDBOX_CUIT is written
 * there too (private keys go to files, never to the console). Numbering and vouchers live in
 * memory and start over on each run.
 */

const env = process.env;
const port = Number(env.AFIP_SANDBOX_PORT ?? 3200);
const host = env.AFIP_SANDBOX_HOST ?? '127.0.0.1';
const cuit = env.AFIP_SANDBOX_CUIT ?? '20123456786';
const pointsOfSale = (env.AFIP_SANDBOX_PTOS_VTA ?? '1')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const dir = env.AFIP_SANDBOX_DIR ?? join(env.DATA_DIR ?? './.data', 'afip-sandbox');

const log = {
  info: (fields: Record<string, unknown>, message: string) => console.log(JSON.stringify({ level: 'info', msg: message, ...fields })),
  warn: (fields: Record<string, unknown>, message: string) => console.warn(JSON.stringify({ level: 'warn', msg: message, ...fields })),
};

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function writePrivate(path: string, content: string): Promise<void> {
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600);
}

await mkdir(dir, { recursive: true });
const caCertPath = join(dir, 'ca.pem');
const caKeyPath = join(dir, 'ca.key');
let [caCertPem, caKeyPem] = await Promise.all([readIfExists(caCertPath), readIfExists(caKeyPath)]);
const newCa = !caCertPem || !caKeyPem;
if (newCa) {
  const ca = createCertificateAuthority();
  caCertPem = ca.certPem;
  caKeyPem = ca.keyPem;
  await writeFile(caCertPath, caCertPem);
  await writePrivate(caKeyPath, caKeyPem);
}

const sandbox = await startAfipSandbox({
  port,
  host,
  ca: { certPem: caCertPem!, keyPem: caKeyPem! },
  pointsOfSale: { [cuit]: pointsOfSale },
  log,
});

const certPath = join(dir, `${cuit}.crt`);
const keyPath = join(dir, `${cuit}.key`);
if (newCa || !(await readIfExists(certPath)) || !(await readIfExists(keyPath))) {
  const issued = sandbox.issueCertificate({ cuit, commonName: `barberpro-${cuit}` });
  await writeFile(certPath, issued.certPem);
  await writePrivate(keyPath, issued.keyPem);
}

console.log(`AFIP sandbox at ${sandbox.url}
  WSAA            ${sandbox.wsaaUrl}
  WSFEv1          ${sandbox.wsfeUrl}
  CUIT            ${cuit}, points of sale ${pointsOfSale.join(', ')}
  certificate     ${certPath}
  private key     ${keyPath}
  control API     ${sandbox.url}/sandbox/state · POST /sandbox/controls · POST /sandbox/certificates`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
