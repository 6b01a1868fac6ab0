import type { LessonExchangeKind } from './lesson-exchange-kind';

/** A lesson, lecture or joint preparation held between two schools (seed 000, seed 004). */
export interface LessonExchanged {
  readonly type: 'LessonExchanged';
  readonly schemaVersion: 1;
  readonly data: {
    readonly exchangeId: string;
    readonly districtCode: string;
    readonly hostSchoolCode: string;
    readonly visitingSchoolCode: string;
    readonly kind: LessonExchangeKind;
    readonly subject: string;
    /** YYYY-MM-DD, the day it was held. */
    readonly date: string;
    /** Teachers and students who took part (人次). */
    readonly attendees: number;
    /** Absent in events recorded before pairings existed: read it as null. */
    readonly pairingId?: string | null;
  };
}

export type LessonExchangeEvent = LessonExchanged;
