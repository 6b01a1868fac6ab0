import 'reflect-metadata';

export type PersonalIdentifierKind = 'student' | 'teacher';

const PERSONAL_IDENTIFIERS = 'junheng:personal-identifiers';

interface MarkedField {
  readonly property: string;
  readonly kind: PersonalIdentifierKind;
}

/**
 * Marks a request field that carries a personal identifier (学籍号, ID number). The edge pipe
 * replaces its value with the keyed pseudonym right after validation, so nothing behind the
 * API — commands, events, Kafka, ClickHouse, logs — ever holds the raw value.
 */
export function PersonalIdentifier(kind: PersonalIdentifierKind): PropertyDecorator {
  return (target, property) => {
    const fields =
      (Reflect.getMetadata(PERSONAL_IDENTIFIERS, target.constructor) as
        MarkedField[] | undefined) ?? [];
    Reflect.defineMetadata(
      PERSONAL_IDENTIFIERS,
      [...fields, { property: String(property), kind }],
      target.constructor,
    );
  };
}

export function personalIdentifierFields(type: unknown): readonly MarkedField[] {
  if (typeof type !== 'function') return [];
  return (Reflect.getMetadata(PERSONAL_IDENTIFIERS, type) as MarkedField[] | undefined) ?? [];
}
