import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JunhengConfig } from '@junheng/platform';
import { rs256Keys } from './authentication/jwt';
import type { JwtVerifier } from './authentication/jwt';
import { Pseudonymizer } from './pseudonymisation/pseudonymizer';

export interface IdentitySecrets {
  readonly verifier: JwtVerifier;
  /** The HS256 secret, when tokens can be minted locally (development, tests, the token CLI). */
  readonly signingSecret: Buffer | undefined;
  readonly pseudonymizer: Pseudonymizer;
  /** True when a secret was generated for the embedded default rather than configured. */
  readonly generated: boolean;
}

/**
 * Secrets come from the environment. Only the embedded default, which no one else can reach
 * with its data, generates its own on first start and keeps them beside its database.
 */
export function resolveIdentitySecrets(config: JunhengConfig): IdentitySecrets {
  let generated = false;
  const developmentSecret = (name: string): Buffer => {
    if (config.developmentSecretsDir === undefined) {
      throw new Error(`${name} is not configured`);
    }
    const file = join(config.developmentSecretsDir, name);
    if (!existsSync(file)) {
      mkdirSync(config.developmentSecretsDir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
      generated = true;
    }
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  };

  const { auth } = config;
  let verifier: JwtVerifier;
  let signingSecret: Buffer | undefined;
  if (auth.jwtPublicKeyFile !== undefined) {
    verifier = {
      algorithm: 'RS256',
      keys: rs256Keys({ pem: readFileSync(auth.jwtPublicKeyFile, 'utf8') }),
    };
  } else if (auth.jwtJwksFile !== undefined) {
    verifier = {
      algorithm: 'RS256',
      keys: rs256Keys({ jwks: readFileSync(auth.jwtJwksFile, 'utf8') }),
    };
  } else {
    signingSecret =
      auth.jwtSecret !== undefined
        ? Buffer.from(auth.jwtSecret, 'utf8')
        : developmentSecret('development-jwt-secret');
    verifier = { algorithm: 'HS256', secret: signingSecret };
  }
  const pseudonymKey =
    config.pseudonymKey !== undefined
      ? Buffer.from(config.pseudonymKey, 'base64')
      : developmentSecret('development-pseudonym-key');
  return {
    verifier,
    signingSecret,
    pseudonymizer: new Pseudonymizer(pseudonymKey, config.pseudonymKeyId),
    generated,
  };
}
