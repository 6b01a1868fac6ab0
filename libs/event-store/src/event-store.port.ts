/**
 * Where the log is: a commit-ordered position. `transactionId` is the PostgreSQL transaction
 * (xid8) that appended the event and `globalPosition` its unique, store-assigned sequence
 * number. Readers order by the pair, never by `globalPosition` alone: see docs/architecture.md,
 * "Reading the log without skipping in-flight transactions".
 */
export interface LogPosition {
  readonly transactionId: number;
  readonly globalPosition: number;
}

export const START_OF_LOG: LogPosition = { transactionId: 0, globalPosition: 0 };

export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  return a.transactionId - b.transactionId || a.globalPosition - b.globalPosition;
}

export interface EventMetadata {
  /** Who reported it: a person or machine client (`sub`), never a student. */
  readonly actor: string | null;
  /** The actor's role and org-unit scope at the time, for the audit of every fact. */
  readonly actorRole: string | null;
  readonly actorScope: string | null;
  readonly commandId: string | null;
  readonly correlationId: string | null;
}

/** An event as a command handler hands it to the store. */
export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** Valid time: when it happened in the world (ISO 8601). */
  readonly occurredAt: string;
  readonly districtCode: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

/** An event as the store recorded it: the envelope of architecture.md. */
export interface RecordedEvent extends NewEvent, EventMetadata {
  readonly streamId: string;
  readonly streamType: string;
  readonly streamVersion: number;
  readonly globalPosition: number;
  readonly transactionId: number;
  /** Transaction time: when the store learned it (ISO 8601). */
  readonly recordedAt: string;
}

/** `'any'` skips the check; `0` means the stream must not exist yet. */
export type ExpectedVersion = number | 'any';

export interface AppendRequest {
  readonly streamId: string;
  readonly streamType: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NewEvent[];
  readonly metadata: EventMetadata;
  /**
   * The same key appends once; every retry answers with the events of the first append. The
   * caller scopes the key (two callers' keys never meet) and keeps it free of personal data.
   */
  readonly idempotencyKey?: string;
  /**
   * What the key is bound to: a digest of the request that first used it. A later append with
   * the key and another fingerprint is refused (`IdempotencyKeyReused`), never replayed.
   */
  readonly requestFingerprint?: string;
}

/** What an idempotency key was first used for, and what that append recorded. */
export interface IdempotentAppend {
  readonly streamId: string;
  readonly requestFingerprint: string | null;
  readonly events: readonly RecordedEvent[];
}

export interface AppendResult {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly events: readonly RecordedEvent[];
  /** True when the idempotency key had been used: nothing new was appended. */
  readonly replayed: boolean;
}

export interface ReadAllRequest {
  readonly after: LogPosition;
  readonly limit: number;
}

export interface RecordedPosition extends LogPosition {
  readonly recordedAt: string;
}

export interface EventStore {
  /** Creates the schema if missing; safe to call from several processes at once. */
  migrate(): Promise<void>;
  append(request: AppendRequest): Promise<AppendResult>;
  /**
   * Appends many requests in one transaction, as if appended one after another: each keeps
   * `append`'s rules (its expected version, seen after the batch's earlier requests to the same
   * stream; its idempotency key and fingerprint, a used key replaying its first events), and
   * the whole batch is all or nothing — one stale version or reused key and nothing of it is
   * appended. For loading many streams at once (the demo province); answers in request order.
   */
  appendBatch(requests: readonly AppendRequest[]): Promise<AppendResult[]>;
  /** The committed append that used this idempotency key, or null when none did. */
  findIdempotentAppend(idempotencyKey: string): Promise<IdempotentAppend | null>;
  readStream(streamId: string): Promise<RecordedEvent[]>;
  /**
   * The streams of `streamType` with an event whose payload holds `value` in one of `fields`
   * (the students who were ever at a school: `schoolCode`, `toSchoolCode`). A scan of the log:
   * for year-end commands over a whole school, not for every request.
   */
  streamsNaming(streamType: string, fields: readonly string[], value: string): Promise<string[]>;
  /**
   * Committed events after `after`, in commit order. Events of transactions still in flight,
   * and everything ordered after them, are held back until those transactions end.
   */
  readAll(request: ReadAllRequest): Promise<RecordedEvent[]>;
  /**
   * How many committed events lie after `after`, including those `readAll` still holds back
   * behind an older open transaction: a reader at `after` has that many left to deliver.
   */
  countAfter(after: LogPosition): Promise<number>;
  /**
   * Where the event at `globalPosition` sits in commit order, and when it was recorded; null
   * when no such event was committed (read-your-writes turns a command's position into this).
   */
  positionOf(globalPosition: number): Promise<RecordedPosition | null>;
  /**
   * The last position reached by a named reader (the relay, the store-tail projector), or by a
   * named writer (where the demo load ended).
   */
  loadCheckpoint(name: string): Promise<LogPosition>;
  saveCheckpoint(name: string, position: LogPosition): Promise<void>;
  /**
   * Runs `work` only while no other process holds the lease `name` (one relay of several
   * publishes; the others wait their turn). Answers undefined, without running `work`, when
   * another holder has it. The lease ends with `work`, or with the holder's connection.
   */
  whileHolding<T>(name: string, work: () => Promise<T>): Promise<T | undefined>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');
