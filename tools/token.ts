import { parseArgs } from 'node:util';
import {
  isRole,
  MAX_TOKEN_LIFETIME_SECONDS,
  mintToken,
  parseOrgScope,
  resolveIdentitySecrets,
  ROLES,
} from '@junheng/identity';
import { loadConfig } from '@junheng/platform';

/**
 * `npm run token -- --role district-clerk --scope 44/4403/440311 [--subject name] [--ttl 3600]`
 * Mints an HS256 token with the configured JWT_SECRET (or the embedded default's generated
 * one), for local use and tests. Production tokens come from the identity provider (RS256).
 */
function main(): void {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      scope: { type: 'string' },
      subject: { type: 'string', default: 'developer' },
      ttl: { type: 'string', default: '3600' },
    },
  });
  if (!isRole(values.role) || values.scope === undefined) {
    throw new Error(
      `usage: npm run token -- --role <${ROLES.join('|')}> --scope <org path> [--subject s] [--ttl seconds]`,
    );
  }
  const config = loadConfig();
  const secrets = resolveIdentitySecrets(config);
  if (secrets.signingSecret === undefined) {
    throw new Error('Tokens are verified with RS256 here: mint them with the identity provider');
  }
  const ttlSeconds = Number(values.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_TOKEN_LIFETIME_SECONDS)
    throw new Error(
      `--ttl must be a positive number of seconds, at most ${MAX_TOKEN_LIFETIME_SECONDS} (a year)`,
    );
  process.stdout.write(
    `${mintToken(secrets.signingSecret, {
      subject: values.subject,
      role: values.role,
      scope: parseOrgScope(values.scope),
      ttlSeconds,
      issuer: config.auth.jwtIssuer,
      audience: config.auth.jwtAudience,
    })}\n`,
  );
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
