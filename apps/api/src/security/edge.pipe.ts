import { Inject, Injectable, ValidationPipe } from '@nestjs/common';
import type { ArgumentMetadata } from '@nestjs/common';
import type { IdentitySecrets } from '@junheng/identity';
import { RequestValidationException } from '../problem-details/request-validation.exception';
import { personalIdentifierFields } from './personal-identifier';
import { requestTextFaults } from './request-text';
import { IDENTITY_SECRETS } from './security.tokens';

/**
 * The API edge for every REST body, query and GraphQL argument: refuse text no store can hold
 * and reserved field names, validate (class-validator, unknown fields refused), then
 * pseudonymise the fields marked @PersonalIdentifier.
 */
@Injectable()
export class EdgePipe extends ValidationPipe {
  constructor(@Inject(IDENTITY_SECRETS) private readonly secrets: IdentitySecrets) {
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      // Never echo the offending value back: it may be a personal identifier.
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => RequestValidationException.fromValidationErrors(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const faults = requestTextFaults(
        value,
        metadata.type === 'param' ? (metadata.data ?? '') : '',
      );
      if (faults.length > 0) throw new RequestValidationException(faults);
    }
    const validated: unknown = await super.transform(value, metadata);
    for (const { property, kind } of personalIdentifierFields(metadata.metatype)) {
      const holder = validated as Record<string, unknown>;
      const raw = holder[property];
      if (typeof raw === 'string')
        holder[property] = this.secrets.pseudonymizer.pseudonymize(kind, raw);
      else if (Array.isArray(raw))
        holder[property] = raw.map((item: unknown) =>
          typeof item === 'string' ? this.secrets.pseudonymizer.pseudonymize(kind, item) : item,
        );
    }
    return validated;
  }
}
