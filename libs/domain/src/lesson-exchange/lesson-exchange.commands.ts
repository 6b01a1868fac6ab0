import type { LessonExchangeKind } from './lesson-exchange-kind';

export interface RecordLessonExchange {
  readonly type: 'RecordLessonExchange';
  readonly exchangeId: string;
  readonly districtCode: string;
  readonly hostSchoolCode: string;
  readonly visitingSchoolCode: string;
  readonly kind: LessonExchangeKind;
  readonly subject: string;
  readonly date: string;
  readonly attendees: number;
  /** The pairing it happened under, or null (checked against the pairing by the caller). */
  readonly pairingId: string | null;
}

export type LessonExchangeCommand = RecordLessonExchange;
