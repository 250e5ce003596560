const esbuild = require('esbuild');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');
const { environmentPlugin } = require('esbuild-plugin-environment');
esbuild.build({
  entryPoints: [__dirname + '/entry.js'], outfile: __dirname + '/plotly-iomdash.min.js',
  format: 'iife', globalName: 'Plotly', bundle: true, minify: true, legalComments: 'none',
  plugins: [InlineCSSPlugin(), environmentPlugin({ NODE_DEBUG: false })],
  alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
  define: { global: 'window', 'define.amd': 'false' }, target: 'es2016', logLevel: 'info',
  banner: { js: '/**\n* plotly.js v4.1.1 partial bundle for iomdash: core (scatter), bar, pie, choropleth\n* Copyright 2012-2026, Plotly, Inc. All rights reserved. Licensed under the MIT license\n*/' },
}).catch(() => process.exit(1));
