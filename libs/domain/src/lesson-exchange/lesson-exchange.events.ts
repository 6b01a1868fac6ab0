import type { LessonExchangeKind } from './lesson-exchange-kind';

/**
 * A lesson, lecture or joint preparation held between two schools (seed 000, seed 004).
 * Version 2 always carries `pairingId` (null outside a pairing); version 1, written before
 * pairings existed, had no such field and is lifted by the messaging upcaster.
 */
export interface LessonExchanged {
  readonly type: 'LessonExchanged';
  readonly schemaVersion: 2;
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
    /** The pairing (结对帮扶) it was held under, if any. */
    readonly pairingId: string | null;
  };
}

export type LessonExchangeEvent = LessonExchanged;
