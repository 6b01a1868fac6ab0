import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeEnvelope } from '../envelope/envelope-decoder';
import { CURRENT_SCHEMA_VERSIONS, UPCASTERS, isDomainEventType } from '@junheng/domain';

interface Fixture {
  readonly note: string;
  /** The event exactly as a writer of its version put it on the wire. */
  readonly wire: { readonly type: string; readonly schemaVersion: number };
  /** What a reader of today must make of it. */
  readonly today: { readonly schemaVersion: number; readonly data: object };
}

const FIXTURES = join(__dirname, 'fixtures');
const fixtures = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.json'))
  .map((name) => ({
    name,
    fixture: JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Fixture,
  }));

describe('event schema evolution', () => {
  it.each(fixtures)('folds $name into today’s shape', ({ fixture }) => {
    const decoded = decodeEnvelope(JSON.stringify(fixture.wire));
    const { type } = fixture.wire;
    expect(isDomainEventType(type) && CURRENT_SCHEMA_VERSIONS[type]).toBe(
      fixture.today.schemaVersion,
    );
    expect({ schemaVersion: decoded.schemaVersion, data: decoded.data }).toEqual(fixture.today);
  });

  it('has an upcaster and a fixture for every version a type was ever written at', () => {
    for (const type of Object.keys(CURRENT_SCHEMA_VERSIONS).filter(isDomainEventType)) {
      const current: number = CURRENT_SCHEMA_VERSIONS[type];
      if (current === 1) continue;
      for (let version = 1; version <= current; version += 1) {
        expect(fixtures.map(({ name }) => name)).toContain(`${type}.v${version}.json`);
        if (version < current) expect(UPCASTERS[type]?.[version]).toBeInstanceOf(Function);
      }
    }
  });
});
