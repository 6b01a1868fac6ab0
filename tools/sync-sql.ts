import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  INDICATOR_DOCS_FILE,
  withCatalogueTable,
} from '../libs/analytics/src/indicators/indicator-docs';
import {
  INDICATOR_SQL_DIR,
  renderIndicatorSql,
} from '../libs/analytics/src/indicators/indicator-sql-files';

/**
 * `npm run sync:sql`: writes the SQL of every indicator query to libs/analytics/sql, removes the
 * .sql files there that no indicator produces any more, and writes the catalogue's table into
 * docs/indicators.md.
 */
function main(): void {
  // Run from dist/tools: the repository root is two levels up.
  const root = join(__dirname, '..', '..');
  const directory = join(root, INDICATOR_SQL_DIR);
  mkdirSync(directory, { recursive: true });
  const files = renderIndicatorSql();
  for (const [path, text] of files) writeFileSync(join(root, path), text);
  const produced = new Set([...files.keys()].map((path) => basename(path)));
  const stale = readdirSync(directory).filter(
    (name) => name.endsWith('.sql') && !produced.has(name),
  );
  for (const name of stale) rmSync(join(directory, name));
  const docs = join(root, INDICATOR_DOCS_FILE);
  writeFileSync(docs, withCatalogueTable(readFileSync(docs, 'utf8')));
  process.stdout.write(
    `wrote ${files.size} files to ${directory}` +
      (stale.length > 0 ? `, removed ${stale.join(', ')}` : '') +
      '\n',
  );
}

try {
  main();
} catch (error: unknown) {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
}
