import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGraphqlSchema } from '../apps/api/src/graphql/graphql-schema';

/** `npm run sync:schema`: writes apps/api/schema.graphql from the resolvers. */
async function main(): Promise<void> {
  const target = join(__dirname, '..', '..', 'apps', 'api', 'schema.graphql');
  writeFileSync(target, await buildGraphqlSchema());
  process.stdout.write(`wrote ${target}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
