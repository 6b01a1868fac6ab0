import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiApplication } from '../apps/api/src/api.factory';
import {
  buildOpenApiDocument,
  printOpenApiDocument,
} from '../apps/api/src/openapi/openapi-document';
import { loadConfig } from '@junheng/platform';

/** `npm run sync:openapi`: writes apps/api/openapi.json from a throwaway embedded api. */
async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'junheng-openapi-'));
  const app = await createApiApplication(
    loadConfig({
      PGLITE_DATA_DIR: join(dir, 'pglite'),
      CHDB_DATA_DIR: join(dir, 'chdb'),
      JUNHENG_DEMO_DATA: 'false',
      LOG_LEVEL: 'error',
    }),
    { withPipeline: false },
  );
  try {
    await app.init();
    const target = join(__dirname, '..', '..', 'apps', 'api', 'openapi.json');
    writeFileSync(target, printOpenApiDocument(buildOpenApiDocument(app)));
    process.stdout.write(`wrote ${target}\n`);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
