#!/usr/bin/env node
// The package registry these machines reach serves only the Linux builds of packages that ship
// per-platform binaries as optional dependencies (@swc/core-*, @chdb/lib-*, …). `npm install`
// then writes a lock file that names those optional dependencies without entries for them, and
// `npm ci` refuses it as out of sync. This drops optional dependencies that have no entry, so
// the lock file describes exactly what can be installed. Run after every `npm install`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const present = new Set(
  Object.keys(lock.packages).map((key) => key.replace(/^.*node_modules\//, '')),
);
let dropped = 0;
for (const entry of Object.values(lock.packages)) {
  if (!entry.optionalDependencies) continue;
  for (const name of Object.keys(entry.optionalDependencies)) {
    if (!present.has(name)) {
      delete entry.optionalDependencies[name];
      dropped += 1;
    }
  }
  if (Object.keys(entry.optionalDependencies).length === 0) delete entry.optionalDependencies;
}
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(
  `prune-lockfile-platforms: dropped ${dropped} unavailable optional dependencies\n`,
);
