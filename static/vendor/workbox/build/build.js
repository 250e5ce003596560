// Builds ../workbox.js (Workbox's production build of the modules in
// entry.js, one IIFE for importScripts) and copies idb's own UMD build to
// ../idb.js. Run with `npm install --no-audit --no-fund && npm run build`.
const fs = require('fs');
const esbuild = require('esbuild');
const version = (name) => JSON.parse(fs.readFileSync(__dirname + '/node_modules/' + name + '/package.json')).version;
esbuild.build({
  entryPoints: [__dirname + '/entry.js'], outfile: __dirname + '/../workbox.js',
  format: 'iife', globalName: 'workbox', bundle: true, minify: true, legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' }, target: 'es2017', logLevel: 'info',
  banner: { js: '/* Workbox v' + version('workbox-core') + ' (core, routing, strategies, cacheable-response) for iomdash. Copyright Google LLC. MIT license: LICENSE-workbox */' },
}).then(() => {
  const umd = fs.readFileSync(__dirname + '/node_modules/idb/build/umd.js', 'utf8');
  fs.writeFileSync(__dirname + '/../idb.js', '/* idb v' + version('idb') + ' (build/umd.js) for iomdash. Copyright Jake Archibald. ISC license: LICENSE-idb */\n' + umd);
  fs.copyFileSync(__dirname + '/node_modules/workbox-core/LICENSE', __dirname + '/../LICENSE-workbox');
  fs.copyFileSync(__dirname + '/node_modules/idb/LICENSE', __dirname + '/../LICENSE-idb');
}).catch(() => process.exit(1));
