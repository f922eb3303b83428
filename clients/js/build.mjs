// Builds dist/rally.js: the kit and its dependencies (jose, @microsoft/signalr) in one self-contained ES module for
// browsers, which Rally.Api serves at /sdk/rally.js. Run by Rally.Api's build after `npm ci` (see Rally.Api.csproj).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/index.js'],
  outfile: 'dist/rally.js',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
