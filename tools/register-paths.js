// Resolves the @junheng/* path aliases of tsconfig.json against the compiled dist/ tree at run time.
'use strict';
const path = require('node:path');
const tsConfigPaths = require('tsconfig-paths');
const { compilerOptions } = require('../tsconfig.json');

const distPaths = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    alias,
    [target.replace(/\.ts$/, '.js')],
  ]),
);
tsConfigPaths.register({ baseUrl: path.join(__dirname, '..', 'dist'), paths: distPaths });
