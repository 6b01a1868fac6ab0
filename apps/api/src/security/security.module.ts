import { Global, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { SQL_EXECUTOR } from '@junheng/event-store';
import type { SqlExecutor } from '@junheng/event-store';
import { ApiKeyRepository, resolveIdentitySecrets } from '@junheng/identity';
import type { JunhengConfig } from '@junheng/platform';
import { AuditController } from '../audit/audit.controller';
import { AuditResolver } from '../audit/audit.resolver';
import { AuditInterceptor } from '../audit/audit.interceptor';
import { AuditReader } from '../audit/audit-reader';
import { AuditRepository } from '../audit/audit.repository';
import { AuditTrail } from '../audit/audit-trail';
import { AuthenticationGuard } from './authentication.guard';
import { CallerAuthenticator } from './caller-authenticator';
import { CallerContext } from './caller-context';
import { CallerThrottlerGuard } from './caller-throttler.guard';
import { EdgePipe } from './edge.pipe';
import { IDENTITY_SECRETS } from './security.tokens';

/**
 * Authentication (JWT or API key), deny-by-default route permissions, per-caller rate limits,
 * and the audit trail. Guards run in this order: who are you, may you, how often.
 */
@Global()
@Module({})
export class SecurityModule {
  static forRoot(config: JunhengConfig): DynamicModule {
    return {
      module: SecurityModule,
      imports: [
        ThrottlerModule.forRoot([
          { name: 'caller', ttl: 60_000, limit: config.rateLimitPerMinute },
        ]),
      ],
      controllers: [AuditController],
      providers: [
        { provide: IDENTITY_SECRETS, useFactory: () => resolveIdentitySecrets(config) },
        {
          provide: ApiKeyRepository,
          inject: [SQL_EXECUTOR],
          useFactory: async (sql: SqlExecutor) => {
            const repository = new ApiKeyRepository(sql);
            await repository.migrate();
            return repository;
          },
        },
        {
          provide: AuditRepository,
          inject: [SQL_EXECUTOR],
          useFactory: async (sql: SqlExecutor) => {
            const repository = new AuditRepository(sql);
            await repository.migrate();
            return repository;
          },
        },
        CallerContext,
        CallerAuthenticator,
        AuditTrail,
        AuditReader,
        AuditResolver,
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: CallerThrottlerGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        { provide: APP_PIPE, useClass: EdgePipe },
      ],
      exports: [CallerContext, CallerAuthenticator, AuditTrail, IDENTITY_SECRETS, ApiKeyRepository],
    };
  }
}
