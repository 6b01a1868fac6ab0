import type { Clock } from './clock';
import { DomainRuleViolation } from './domain-rule-violation';

/** The pure heart of an aggregate (emmett's decider): state from events, events from a command. */
export interface Decider<Command, Event, State> {
  readonly decide: (command: Command, state: State, clock: Clock) => Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: State;
  /**
   * How an event is dated and attributed in its envelope: the day it happened and the district
   * it counts for, decided on the state before it (a school's district that day). The decider
   * owns it, so no handler dates or attributes an event by itself.
   */
  readonly envelopeOf: (event: Event, state: State) => EventEnvelopeFacts;
}

/** What an event's envelope says beside its data: the day it happened and its district. */
export interface EventEnvelopeFacts {
  /** YYYY-MM-DD. */
  readonly occurredOn: string;
  readonly districtCode: string | null;
}

export type Outcome<Event> =
  | { readonly events: readonly Event[] }
  | {
      readonly violation: {
        readonly rule: string;
        readonly facts: Readonly<Record<string, unknown>>;
      };
    };

/**
 * Given past events, when a command arrives, then these events — or this rule's violation.
 * Specs assert on the returned outcome, so this stays free of any test framework.
 */
export function given<Command, Event, State>(
  decider: Decider<Command, Event, State>,
  clock: Clock,
  history: readonly Event[] = [],
): { when: (command: Command) => Outcome<Event> } {
  return {
    when(command) {
      const state = history.reduce(decider.evolve, decider.initialState);
      try {
        return { events: decider.decide(command, state, clock) };
      } catch (error) {
        if (!(error instanceof DomainRuleViolation)) throw error;
        return { violation: { rule: error.rule, facts: error.facts } };
      }
    },
  };
}

export function fixedClock(isoInstant: string): Clock {
  const instant = new Date(isoInstant);
  return { now: () => new Date(instant) };
}
