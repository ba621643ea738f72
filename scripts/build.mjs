/**
 * `npm run build`: compiles the assistant to dist/ (entry dist/bot/index.js) so production runs
 * plain JavaScript with no TypeScript loader. The files modules read beside themselves (the
 * intent corpus and its data, the web pages) are copied to the same places under dist/, so
 * every `new URL('./…', import.meta.url)` finds them as it does from the sources. The council's
 * data folder is not copied: COUNCIL_DATA_DIR points at it wherever it is.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const ASSETS = ['intents/corpus', 'intents/data', 'web'];

const started = Date.now();
// A clean dist/: a module deleted from the sources must not linger in the build.
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) {
  process.stderr.write('build failed: the TypeScript compiler reported errors (above)\n');
  process.exit(compiled.status ?? 1);
}

for (const asset of ASSETS) cpSync(join(root, asset), join(dist, asset), { recursive: true });
process.stdout.write(
  `built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s; run it with npm run start:prod\n`,
);
