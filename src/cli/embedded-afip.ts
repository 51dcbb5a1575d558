import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { demoFiscalProfile } from '../demo/seed.js';
import { privateKeyContext } from '../modules/invoicing/issuer.js';
import type { AfipEndpoints } from '../modules/invoicing/setup.js';
import type { AppConfig } from '../platform/config.js';
import { SecretBox, parseKeyRing } from '../platform/crypto/secret-box.js';
import type { DB } from '../platform/db/schema.js';
import { resolveDataKeys } from '../platform/secrets.js';
import { createCertificateAuthority, startAfipSandbox, type AfipSandbox } from '../sandbox/afip/index.js';

/** Offset from the API's port for the local AFIP (3000 → 3101). */
const SANDBOX_PORT_OFFSET = 101;
const POINT_OF_SALE = 1;

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * On the embedded default only (no DATABASE_URL, no AFIP_* URLs, not production): start the
 * local AFIP sandbox and give every shop without fiscal settings a point of sale and a
 * certificate from the sandbox's CA, so a demo payment gets a real CAE from the sandbox.
 *
 * The CA is kept in DATA_DIR so certificates stay valid across restarts. The sandbox keeps its
 * numbering in memory; it is told the last number of each sequence this database already
 * authorized, so numbering continues instead of starting over at 1. (Credit notes for invoices
 * authorized before a restart are refused by the sandbox: it no longer knows those invoices.)
 */
export async function startEmbeddedAfip(config: AppConfig, db: Kysely<DB>): Promise<{ sandbox: AfipSandbox; endpoints: AfipEndpoints } | undefined> {
  if (config.env === 'production' || !config.embeddedSandboxes || config.afip.wsaaUrl) return undefined;
  const dir = join(config.dataDir, 'afip-sandbox');
  await mkdir(dir, { recursive: true });
  const caCertPath = join(dir, 'ca.pem');
  const caKeyPath = join(dir, 'ca.key');
  let [certPem, keyPem] = await Promise.all([readIfExists(caCertPath), readIfExists(caKeyPath)]);
  if (!certPem || !keyPem) {
    const ca = createCertificateAuthority();
    certPem = ca.certPem;
    keyPem = ca.keyPem;
    await writeFile(caCertPath, certPem);
    await writeFile(caKeyPath, keyPem, { mode: 0o600 });
    await chmod(caKeyPath, 0o600);
  }

  const shops = await db
    .selectFrom('shops as s')
    .leftJoin('shop_fiscal_settings as f', 'f.shop_id', 's.id')
    .select(['s.id', 's.name', 's.cuit', 'f.point_of_sale', 'f.certificate_pem', 'f.environment'])
    .execute();
  const pointsOfSale: Record<string, number[]> = {};
  for (const shop of shops) (pointsOfSale[shop.cuit] ??= []).push(shop.point_of_sale ?? POINT_OF_SALE);

  const sandbox = await startAfipSandbox({
    port: config.port === 0 ? 0 : config.port + SANDBOX_PORT_OFFSET,
    host: '127.0.0.1',
    ca: { certPem, keyPem },
    pointsOfSale,
  });
  try {
    const ca = new X509Certificate(certPem);
    const box = new SecretBox(parseKeyRing(resolveDataKeys(config)));
    for (const shop of shops) {
      const current = shop.certificate_pem && shop.environment === 'sandbox' ? new X509Certificate(shop.certificate_pem) : undefined;
      // Settings of the shop's own (a real certificate, another environment) are left alone.
      if (shop.certificate_pem && shop.environment !== 'sandbox') continue;
      if (current && current.verify(ca.publicKey) && new Date(current.validTo).getTime() > Date.now()) continue;
      const issued = sandbox.issueCertificate({ cuit: shop.cuit, commonName: `barberpro-demo-${shop.cuit}` });
      const profile = demoFiscalProfile(shop.name);
      const values = {
        business_name: profile.businessName,
        gross_income_registration: profile.grossIncomeRegistration,
        activity_start_date: profile.activityStartDate,
        point_of_sale: shop.point_of_sale ?? POINT_OF_SALE,
        certificate_pem: issued.certPem,
        private_key_sealed: box.encrypt(issued.keyPem, privateKeyContext(shop.id)),
        environment: 'sandbox' as const,
        enabled: true,
      };
      await db
        .insertInto('shop_fiscal_settings')
        .values({ shop_id: shop.id, ...values })
        .onConflict((oc) => oc.column('shop_id').doUpdateSet({ ...values, updated_at: new Date() }))
        .execute();
    }
    // Tickets of an earlier run were issued by an earlier sandbox process.
    await db.deleteFrom('afip_tickets').execute();
    const last = await db
      .selectFrom('invoices')
      .select(['cuit', 'point_of_sale', 'cbte_tipo', (eb) => eb.fn.max<number>('number').as('last')])
      .where('status', '=', 'authorized')
      .groupBy(['cuit', 'point_of_sale', 'cbte_tipo'])
      .execute();
    for (const row of last) if (row.point_of_sale !== null) sandbox.state.setLastNumber(row.cuit, row.point_of_sale, row.cbte_tipo, Number(row.last));
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  return { sandbox, endpoints: { wsaaUrl: sandbox.wsaaUrl, wsfeUrl: sandbox.wsfeUrl, environment: 'sandbox' } };
}
