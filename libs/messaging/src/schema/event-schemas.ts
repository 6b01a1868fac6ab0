/**
 * The schema versions and upcasters are the domain's (libs/domain/src/events/event-schemas.ts):
 * readers behind Kafka and command handlers lift old payloads the same way.
 */
export { CURRENT_SCHEMA_VERSIONS, UPCASTERS } from '@junheng/domain';
export type { Upcaster } from '@junheng/domain';
