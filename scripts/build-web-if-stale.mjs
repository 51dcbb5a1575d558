// `npm start` runs this first: builds the web app when web/dist is missing or older than
// any source under web/ (a fresh clone, a pull), so the two README commands are enough.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const web = new URL('../web/', import.meta.url).pathname;
const built = join(web, 'dist/index.html');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (!existsSync(join(web, 'index.html'))) process.exit(0);
if (existsSync(built) && statSync(built).mtimeMs >= newestSource(web)) process.exit(0);
console.log('Building the web app (web/ changed since the last build)…');
const result = spawnSync('npx', ['vite', 'build', '--config', join(web, 'vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
