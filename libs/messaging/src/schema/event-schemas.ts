/**
 * The schema version each event type is written at today. A reader lifts older payloads
 * through the upcasters below; a newer version than it knows is a poison event for it.
 */
export const CURRENT_SCHEMA_VERSIONS: Readonly<Record<string, number>> = {
  LessonExchanged: 2,
  TeacherRotationStarted: 1,
  TeacherRotationEnded: 1,
  SchoolRegistered: 1,
  SchoolReclassified: 1,
  SchoolMovedDistrict: 1,
  SchoolMerged: 1,
  SchoolClosed: 1,
  SchoolConditionsReported: 1,
  SchoolStaffingReported: 1,
  PairingEstablished: 1,
  PairingEnded: 1,
  ProgrammeBudgeted: 1,
  FundsAllocated: 1,
  AllocationRevoked: 1,
  StudentEnrolled: 1,
  StudentTransferred: 1,
  StudentDroppedOut: 1,
  StudentReturned: 1,
  StudentSuspended: 1,
  StudentResumed: 1,
  StudentGraduated: 1,
  StudentDeceased: 1,
  StudentFlaggedAtRisk: 1,
  StudentRiskCleared: 1,
};

export type Upcaster = (data: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/**
 * `UPCASTERS[type][v]` lifts a payload of version v to v + 1. Each has fixtures of the old JSON
 * in ./fixtures that must fold into today's shape (event-schemas.spec.ts).
 */
export const UPCASTERS: Readonly<Record<string, Readonly<Record<number, Upcaster>>>> = {
  LessonExchanged: {
    // v1 was written before pairings existed: an exchange outside any pairing.
    1: (data) => ({ ...data, pairingId: null }),
  },
};
