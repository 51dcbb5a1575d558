import { sql, type Kysely } from 'kysely';
import { sealedOf } from '../crypto/personal-data.js';
import { SEALED_COLUMNS } from '../crypto/sealed-columns.js';
import { isSealed } from '../crypto/secret-box.js';
import {
  IGNORED_TABLES,
  NOT_PERSONAL_COLUMNS,
  PERSONAL_COLUMN_PATTERNS,
  PERSONAL_DATA_INVENTORY,
  TEXT_LIKE_TYPES,
  type NotPersonalColumn,
  type PersonalDataColumn,
} from './inventory.js';

export interface InventoryFinding {
  kind: 'undeclared' | 'plaintext_in_encrypted_column' | 'declared_column_missing' | 'encrypted_column_not_rotated' | 'hash_of_unknown_column';
  table: string;
  column: string;
  message: string;
}

export interface InventoryCheckOptions {
  /** The schema to read (default public); a scratch schema in tests. */
  schema?: string;
  inventory?: readonly PersonalDataColumn[];
  notPersonal?: readonly NotPersonalColumn[];
  patterns?: readonly RegExp[];
  /** Non-null values read per encrypted column (default 1000). */
  sampleSize?: number;
  /** Report inventory entries whose column does not exist (on for the application's schema). */
  reportMissing?: boolean;
}

const INVENTORY_FILE = 'src/platform/privacy/inventory.ts';

/**
 * Checks the inventory against a live schema (information_schema): every text-like column whose
 * name looks personal is declared, every declared column exists, every column declared
 * encrypted is one key rotation covers, and a sample of its values holds no plaintext.
 */
export async function checkInventory(db: Kysely<any>, options: InventoryCheckOptions = {}): Promise<InventoryFinding[]> {
  const schema = options.schema ?? 'public';
  const inventory = options.inventory ?? PERSONAL_DATA_INVENTORY;
  const notPersonal = options.notPersonal ?? NOT_PERSONAL_COLUMNS;
  const patterns = options.patterns ?? PERSONAL_COLUMN_PATTERNS;
  const sampleSize = options.sampleSize ?? 1000;
  const findings: InventoryFinding[] = [];

  const { rows: columns } = await sql<{ table_name: string; column_name: string; data_type: string }>`
    select c.table_name, c.column_name, c.data_type
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = ${schema}
    order by c.table_name, c.ordinal_position`.execute(db);
  const declared = new Set([...inventory, ...notPersonal].map((c) => `${c.table}.${c.column}`));
  const types = new Map(columns.map((c) => [`${c.table_name}.${c.column_name}`, c.data_type]));

  for (const c of columns) {
    if (IGNORED_TABLES.includes(c.table_name) || !TEXT_LIKE_TYPES.includes(c.data_type)) continue;
    const matched = patterns.find((p) => p.test(c.column_name));
    if (!matched || declared.has(`${c.table_name}.${c.column_name}`)) continue;
    findings.push({
      kind: 'undeclared',
      table: c.table_name,
      column: c.column_name,
      message: `${schema}.${c.table_name}.${c.column_name} (${c.data_type}) looks like personal data (its name matches ${matched}) but is not in the personal-data inventory: declare its purpose, legal basis, retention and protection in ${INVENTORY_FILE} (or list it in NOT_PERSONAL_COLUMNS with the reason), then run npm run generate:inventory`,
    });
  }

  for (const entry of inventory) {
    const name = `${entry.table}.${entry.column}`;
    const type = types.get(name);
    if (type === undefined) {
      if (options.reportMissing ?? schema === 'public')
        findings.push({ kind: 'declared_column_missing', table: entry.table, column: entry.column, message: `${schema}.${name} is in the personal-data inventory but the schema has no such column: remove or rename the entry in ${INVENTORY_FILE}` });
      continue;
    }
    if (entry.protection.kind === 'keyed-hash' && !inventory.some((e) => `${e.table}.${e.column}` === (entry.protection as { of: string }).of && e.protection.kind === 'encrypted'))
      findings.push({ kind: 'hash_of_unknown_column', table: entry.table, column: entry.column, message: `${name} is declared a keyed hash of ${entry.protection.of}, which is not declared encrypted in the inventory` });
    if (entry.protection.kind !== 'encrypted') continue;
    if (schema === 'public' && !SEALED_COLUMNS.some((s) => s.table === entry.table && s.column === entry.column))
      findings.push({
        kind: 'encrypted_column_not_rotated',
        table: entry.table,
        column: entry.column,
        message: `${name} is declared encrypted but is not in SEALED_COLUMNS (src/platform/crypto/sealed-columns.ts): key rotation and coverage reports would miss it`,
      });
    const { rows } = await sql<{ v: string }>`
      select ${sql.ref(entry.column)}::text as v from ${sql.table(`${schema}.${entry.table}`)}
      where ${sql.ref(entry.column)} is not null limit ${sampleSize}`.execute(db);
    const json = type === 'jsonb' || type === 'json';
    const plaintext = rows.filter((r) => (json ? sealedOf(JSON.parse(r.v)) === undefined : !isSealed(r.v))).length;
    if (plaintext > 0)
      findings.push({
        kind: 'plaintext_in_encrypted_column',
        table: entry.table,
        column: entry.column,
        message: `${schema}.${name} is declared encrypted but ${plaintext} of ${rows.length} sampled value(s) are plaintext (not a sealed v1/v2 value${json ? ' inside {"sealed": …}' : ''}): some code writes it without sealing, or \`npx barberpro keys rotate\` has not sealed older rows`,
      });
  }
  return findings;
}
