// Webpack build of phylab's JupyterLab front end (run by bin/build-jupyterlab.cjs inside the
// build folder under node_modules/.cache/phylab-jupyterlab/). Development mode, no source maps:
// the bundle is for local use and tests, and this keeps the build to seconds.
const data = require('./package.json');
const webpack = require('webpack');
const Build = require('@jupyterlab/builder').Build;

const assets = Build.ensureAssets({ packageNames: data.jupyterlab.extensions, output: './build', hashFunction: 'sha256' });

module.exports = [
  {
    entry: ['whatwg-fetch', './index.js'],
    output: { path: __dirname + '/build', filename: 'bundle.js', hashFunction: 'sha256' },
    bail: true,
    devtool: false,
    mode: 'development',
    module: {
      rules: [
        { test: /\.css$/, use: ['style-loader', 'css-loader'] },
        { test: /\.html$/, use: 'file-loader' },
        { test: /\.md$/, use: 'raw-loader' },
        { test: /\.(jpg|png|gif)$/, use: 'file-loader' },
        { test: /\.js.map$/, use: 'file-loader' },
        { test: /\.woff2?(\?v=\d+\.\d+\.\d+)?$/, use: 'url-loader?limit=10000&mimetype=application/font-woff' },
        { test: /\.ttf(\?v=\d+\.\d+\.\d+)?$/, use: 'url-loader?limit=10000&mimetype=application/octet-stream' },
        { test: /\.eot(\?v=\d+\.\d+\.\d+)?$/, use: 'file-loader' },
        { test: /\.svg(\?v=\d+\.\d+\.\d+)?$/, issuer: /\.css$/, use: { loader: 'svg-url-loader', options: { encoding: 'none', limit: 10000 } } },
        { test: /\.svg(\?v=\d+\.\d+\.\d+)?$/, issuer: /\.js$/, use: { loader: 'raw-loader' } },
      ],
    },
    plugins: [new webpack.DefinePlugin({ 'process.env': '{}', process: { cwd: () => '/' } })],
  },
].concat(assets);
