/**
 * The warm spare (assistantStandby.ts) compiled once into one JavaScript file, by the esbuild
 * tsx itself runs on, so each restart in a kill -9 trial loads plain JavaScript instead of
 * going through tsx's loader for every module (about 40% less CPU per start on a busy
 * machine). The same sources, unchanged: `import.meta.url` is replaced by each file's own URL,
 * so files read beside their module (the intent model, its data) are found as under tsx, and
 * packages stay in node_modules. Written under node_modules/.cache (so packages resolve from
 * it) with a unique name; the caller removes it.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface EsbuildPlugin {
  name: string;
  setup(build: {
    onLoad(
      options: { filter: RegExp },
      load: (args: { path: string }) => Promise<{ contents: string; loader: 'ts' }>,
    ): void;
  }): void;
}
interface Esbuild {
  build(options: Record<string, unknown> & { plugins: EsbuildPlugin[] }): Promise<unknown>;
}

export async function compileStandby(): Promise<string> {
  const fromHere = createRequire(import.meta.url);
  const esbuild = createRequire(fromHere.resolve('tsx/package.json'))('esbuild') as Esbuild;
  const outfile = resolve(
    'node_modules/.cache/council-assistant-tests',
    `standby-${randomBytes(4).toString('hex')}.mjs`,
  );
  await esbuild.build({
    entryPoints: [join('tests', 'helpers', 'assistantStandby.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    outfile,
    logLevel: 'error',
    plugins: [
      {
        name: 'own-module-url',
        setup(build) {
          build.onLoad({ filter: /\.ts$/ }, async ({ path }) => ({
            contents: (await readFile(path, 'utf8')).replaceAll(
              'import.meta.url',
              JSON.stringify(pathToFileURL(path).href),
            ),
            loader: 'ts',
          }));
        },
      },
    ],
  });
  return outfile;
}
