import { parse } from 'graphql';
import { operationDepth } from './query-limits';

describe('GraphQL query depth', () => {
  it('counts the deepest chain of fields, through fragments', () => {
    expect(operationDepth(parse('{ area { code } }'))).toBe(2);
    expect(
      operationDepth(
        parse(`
          query Board { area { districts { ...card } } }
          fragment card on Area { scorecard(schoolYear: 2024) { indicators { figures { value } } } }
        `),
      ),
    ).toBe(6);
    expect(
      operationDepth(
        parse('query A { area { code } } query B { area { children { children { code } } } }'),
        'B',
      ),
    ).toBe(4);
  });
});
