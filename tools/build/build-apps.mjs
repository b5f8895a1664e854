// Bundles each app into dist/apps/<app>/main.js with esbuild. Libraries are
// resolved through the tsconfig path aliases; npm packages stay external so
// native and dynamic requires (grpc-js, nats) load from node_modules.
// Usage: node tools/build/build-apps.mjs [app ...]   (default: every app)
import { build } from 'esbuild';
import { chmodSync, existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * How every service runs, written into the bundles' first line so that
 * `npm start`, the `mqp` bin and the tests start the same process:
 *   - stack traces point into the TypeScript sources;
 *   - the young generation is capped at 2 × 8 MB. V8 grows it to 2 × 16 MB
 *     under any burst (a storm of connects) and keeps it: 2.5 KB of RSS per
 *     connection at 15,000, for no measurable gain in throughput
 *     (docs/benchmarks.md, issue 6);
 *   - the old generation may grow to twice what a full collection left
 *     before the next one. V8 lets it grow up to four times when collections
 *     are quick, so a connect storm's garbage stayed in RSS: 4.0 KB per idle
 *     connection at 15,000 became 3.25 KB, with throughput and latency
 *     unchanged within run-to-run noise (issue 6, docs/benchmarks.md).
 */
const NODE_FLAGS = ['--enable-source-maps', '--max-semi-space-size=8', '--heap-growing-percent=100'];

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const all = readdirSync(join(root, 'apps')).filter((app) => existsSync(join(root, 'apps', app, 'src/main.ts')));
const wanted = process.argv.slice(2);
const apps = wanted.length > 0 ? wanted : all;

for (const app of apps) {
  if (!all.includes(app)) {
    console.error(`unknown app "${app}"; known: ${all.join(', ')}`);
    process.exit(2);
  }
}

await Promise.all(
  apps.map((app) =>
    build({
      entryPoints: [join(root, 'apps', app, 'src/main.ts')],
      outfile: join(root, 'dist/apps', app, 'main.js'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      sourcemap: true,
      tsconfig: join(root, 'tsconfig.base.json'),
      logLevel: 'warning',
      // the bundles are executables: `mqp` (package.json bin) is dist/apps/platform/main.js
      banner: { js: `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}` },
    }),
  ),
);

for (const app of apps) chmodSync(join(root, 'dist/apps', app, 'main.js'), 0o755);
