import { parseArgs } from 'node:util';
import { openSqlExecutor } from '@junheng/event-store';
import { ApiKeyRepository, ROLES, isRole, issueApiKey, parseOrgScope } from '@junheng/identity';
import { loadConfig } from '@junheng/platform';

/**
 * `npm run api-key -- create --name "provincial dashboard" --role dashboard --scope 44`
 * `npm run api-key -- revoke --id <id>`
 * Keys are printed once and stored hashed in the event store's database.
 */
async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      scope: { type: 'string' },
      id: { type: 'string' },
    },
  });
  const config = loadConfig();
  const sql = await openSqlExecutor({
    databaseUrl: config.databaseUrl,
    pgliteDataDir: config.pgliteDataDir,
  });
  const repository = new ApiKeyRepository(sql);
  try {
    await repository.migrate();
    if (
      positionals[0] === 'create' &&
      values.name !== undefined &&
      isRole(values.role) &&
      values.scope !== undefined
    ) {
      const issued = issueApiKey();
      await repository.create(issued, {
        name: values.name,
        role: values.role,
        scope: parseOrgScope(values.scope),
      });
      process.stdout.write(`${issued.key}\n(id ${issued.id}; shown once, stored hashed)\n`);
      return;
    }
    if (positionals[0] === 'revoke' && values.id !== undefined) {
      process.stdout.write(
        (await repository.revoke(values.id))
          ? `revoked ${values.id}\n`
          : `no active key ${values.id}\n`,
      );
      return;
    }
    throw new Error(
      `usage: npm run api-key -- create --name <name> --role <${ROLES.join('|')}> --scope <org path>\n       npm run api-key -- revoke --id <id>`,
    );
  } finally {
    await sql.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
