import { createHash } from 'node:crypto';
import { upcastEvent } from '@junheng/domain';
import type { RecordedEvent } from '@junheng/event-store';
import type { AnalyticsClient } from '@junheng/analytics';
import { PROJECTIONS } from '@junheng/analytics';
import { ProjectionWriter } from '@junheng/analytics';

type Data = Record<string, unknown>;

/** A deterministic UUID for a fixture event, so drill-down answers can be written down. */
function fixtureId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A hand-built event log for golden tests: the events a county would report, in recording
 * order, with the recording clock under the test's control (`recordedOn`) so as-of questions
 * and late-recorded events can be staged. Every method returns the event id it recorded.
 */
export class EventLog {
  readonly events: RecordedEvent[] = [];
  private recordedAt = '2024-09-01T12:00:00.000Z';
  private readonly districts = new Map<string, string>();

  constructor(private readonly name: string) {}

  /** Events recorded from now on carry this recording time. */
  recordedOn(instant: string): this {
    this.recordedAt = instant.length === 10 ? `${instant}T12:00:00.000Z` : instant;
    return this;
  }

  school(
    schoolCode: string,
    options: {
      district: string;
      urbanRural?: string;
      level?: 'primary' | 'junior' | 'nine-year';
      weak?: boolean;
      on?: string;
    },
  ): string {
    this.districts.set(schoolCode, options.district);
    return this.record('SchoolRegistered', `school-${schoolCode}`, options.district, {
      schoolCode,
      name: `学校${schoolCode.slice(-3)}`,
      districtCode: options.district,
      urbanRuralCode: options.urbanRural ?? '111',
      level: options.level ?? 'primary',
      weak: options.weak ?? false,
      registeredOn: options.on ?? '2015-01-01',
    });
  }

  reclassify(schoolCode: string, urbanRuralCode: string, effectiveOn: string): string {
    return this.record('SchoolReclassified', `school-${schoolCode}`, this.districtOf(schoolCode), {
      schoolCode,
      urbanRuralCode,
      effectiveOn,
    });
  }

  moveDistrict(schoolCode: string, toDistrictCode: string, effectiveOn: string): string {
    const fromDistrictCode = this.districtOf(schoolCode);
    this.districts.set(schoolCode, toDistrictCode);
    return this.record('SchoolMovedDistrict', `school-${schoolCode}`, toDistrictCode, {
      schoolCode,
      fromDistrictCode,
      toDistrictCode,
      effectiveOn,
    });
  }

  merge(schoolCode: string, intoSchoolCode: string, effectiveOn: string): string {
    return this.record('SchoolMerged', `school-${schoolCode}`, this.districtOf(schoolCode), {
      schoolCode,
      intoSchoolCode,
      effectiveOn,
    });
  }

  close(schoolCode: string, effectiveOn: string): string {
    return this.record('SchoolClosed', `school-${schoolCode}`, this.districtOf(schoolCode), {
      schoolCode,
      effectiveOn,
    });
  }

  conditions(
    schoolCode: string,
    schoolYear: number,
    report: Partial<{
      primaryEnrolment: number;
      juniorEnrolment: number;
      teachingAuxiliaryAreaM2: number;
      sportsAreaM2: number;
      equipmentValueYuan: number;
      computers: number;
      books: number;
      networkedMultimediaClassrooms: number;
      reportedOn: string;
    }>,
  ): string {
    return this.record(
      'SchoolConditionsReported',
      `school-${schoolCode}`,
      this.districtOf(schoolCode),
      {
        schoolCode,
        schoolYear,
        reportedOn: `${schoolYear}-10-15`,
        primaryEnrolment: 0,
        juniorEnrolment: 0,
        teachingAuxiliaryAreaM2: 0,
        sportsAreaM2: 0,
        equipmentValueYuan: 0,
        computers: 0,
        books: 0,
        networkedMultimediaClassrooms: 0,
        ...report,
        districtCode: this.districtOf(schoolCode),
      },
    );
  }

  staffing(
    schoolCode: string,
    schoolYear: number,
    report: Partial<{
      fullTimeTeachers: number;
      aboveQualificationTeachers: number;
      intermediateTitleTeachers: number;
      backboneTeachers: number;
      peArtsTeachers: number;
      rotationEligibleTeachers: number;
      reportedOn: string;
    }>,
  ): string {
    return this.record(
      'SchoolStaffingReported',
      `school-${schoolCode}`,
      this.districtOf(schoolCode),
      {
        schoolCode,
        schoolYear,
        reportedOn: `${schoolYear}-10-15`,
        fullTimeTeachers: 0,
        aboveQualificationTeachers: 0,
        intermediateTitleTeachers: 0,
        backboneTeachers: 0,
        peArtsTeachers: 0,
        rotationEligibleTeachers: 0,
        ...report,
        districtCode: this.districtOf(schoolCode),
      },
    );
  }

  enrol(
    student: string,
    schoolCode: string,
    grade: number,
    date: string,
    entry: 'new-entrant' | 'transfer-in' = 'new-entrant',
  ): string {
    return this.student('StudentEnrolled', student, schoolCode, grade, date, { entry });
  }

  /** Enrols `count` new entrants named `<prefix>1..n`; returns their pseudonyms. */
  enrolMany(
    prefix: string,
    count: number,
    schoolCode: string,
    grade: number,
    date: string,
  ): string[] {
    return Array.from({ length: count }, (_, index) => {
      const student = `${prefix}${index + 1}`;
      this.enrol(student, schoolCode, grade, date);
      return student;
    });
  }

  transfer(
    student: string,
    schoolCode: string,
    toSchoolCode: string,
    grade: number,
    date: string,
  ): string {
    return this.student('StudentTransferred', student, schoolCode, grade, date, {
      toSchoolCode,
      toDistrictCode: this.districtOf(toSchoolCode),
    });
  }

  dropOut(
    student: string,
    schoolCode: string,
    grade: number,
    date: string,
    reason = 'poverty',
  ): string {
    return this.student('StudentDroppedOut', student, schoolCode, grade, date, { reason });
  }

  returnToSchool(
    student: string,
    schoolCode: string,
    grade: number,
    date: string,
    droppedOutOn: string,
  ): string {
    const daysOut = Math.round((Date.parse(date) - Date.parse(droppedOutOn)) / 86_400_000);
    return this.student('StudentReturned', student, schoolCode, grade, date, {
      means: 'persuasion',
      droppedOutOn,
      daysOut,
    });
  }

  suspend(student: string, schoolCode: string, grade: number, date: string): string {
    return this.student('StudentSuspended', student, schoolCode, grade, date, {});
  }

  graduate(student: string, schoolCode: string, grade: number, date: string): string {
    return this.student('StudentGraduated', student, schoolCode, grade, date, {
      level: grade <= 6 ? 'primary' : 'junior',
    });
  }

  die(student: string, schoolCode: string, grade: number, date: string): string {
    return this.student('StudentDeceased', student, schoolCode, grade, date, {});
  }

  rotate(
    rotationId: string,
    teacher: string,
    fromSchoolCode: string,
    toSchoolCode: string,
    startDate: string,
    options: { backbone?: boolean; kind?: string } = {},
  ): string {
    return this.record(
      'TeacherRotationStarted',
      `teacher-${teacher}`,
      this.districtOf(fromSchoolCode),
      {
        rotationId,
        teacher,
        fromDistrictCode: this.districtOf(fromSchoolCode),
        fromSchoolCode,
        toDistrictCode: this.districtOf(toSchoolCode),
        toSchoolCode,
        kind: options.kind ?? 'rotation',
        subject: 'math',
        backbone: options.backbone ?? false,
        startDate,
        plannedEndDate: `${Number(startDate.slice(0, 4)) + 1}${startDate.slice(4)}`,
      },
    );
  }

  pair(
    pairingId: string,
    supportingSchoolCode: string,
    receivingSchoolCode: string,
    startDate: string,
    endDate: string,
    programme = '百校扶百校',
  ): string {
    return this.record(
      'PairingEstablished',
      `pairing-${pairingId}`,
      this.districtOf(receivingSchoolCode),
      {
        pairingId,
        programme,
        supportingSchoolCode,
        supportingDistrictCode: this.districtOf(supportingSchoolCode),
        receivingSchoolCode,
        receivingDistrictCode: this.districtOf(receivingSchoolCode),
        forms: ['teaching'],
        startDate,
        endDate,
      },
    );
  }

  endPairing(pairingId: string, receivingSchoolCode: string, endedOn: string): string {
    return this.record(
      'PairingEnded',
      `pairing-${pairingId}`,
      this.districtOf(receivingSchoolCode),
      {
        pairingId,
        receivingDistrictCode: this.districtOf(receivingSchoolCode),
        endedOn,
        reason: 'completed',
      },
    );
  }

  exchange(
    exchangeId: string,
    hostSchoolCode: string,
    visitingSchoolCode: string,
    date: string,
    attendees: number,
    pairingId: string | null = null,
  ): string {
    return this.record(
      'LessonExchanged',
      `lesson-exchange-${exchangeId}`,
      this.districtOf(hostSchoolCode),
      {
        exchangeId,
        districtCode: this.districtOf(hostSchoolCode),
        hostSchoolCode,
        visitingSchoolCode,
        kind: 'demonstration',
        subject: 'chinese',
        date,
        attendees,
        pairingId,
      },
      2,
    );
  }

  budget(
    programmeId: string,
    ownerCode: string,
    fiscalYear: number,
    budgetYuan: number,
    level: 'province' | 'city' | 'district' = 'district',
  ): string {
    return this.record('ProgrammeBudgeted', `fund-programme-${programmeId}`, ownerCode, {
      programmeId,
      name: `专项${programmeId}`,
      level,
      ownerCode,
      fiscalYear,
      budgetFen: budgetYuan * 100,
      budgetedOn: `${fiscalYear}-01-10`,
    });
  }

  allocate(
    programmeId: string,
    allocationId: string,
    target: { school: string } | { district: string },
    amountYuan: number,
    allocatedOn: string,
    purpose = 'equipment',
  ): string {
    const districtCode = 'school' in target ? this.districtOf(target.school) : target.district;
    return this.record('FundsAllocated', `fund-programme-${programmeId}`, districtCode, {
      programmeId,
      allocationId,
      districtCode,
      schoolCode: 'school' in target ? target.school : null,
      amountFen: amountYuan * 100,
      purpose,
      allocatedOn,
    });
  }

  revoke(
    programmeId: string,
    allocationId: string,
    target: { school: string } | { district: string },
    amountYuan: number,
    revokedOn: string,
  ): string {
    const districtCode = 'school' in target ? this.districtOf(target.school) : target.district;
    return this.record('AllocationRevoked', `fund-programme-${programmeId}`, districtCode, {
      programmeId,
      allocationId,
      districtCode,
      schoolCode: 'school' in target ? target.school : null,
      amountFen: amountYuan * 100,
      revokedOn,
      reason: 'correction',
    });
  }

  private student(
    type: string,
    student: string,
    schoolCode: string,
    grade: number,
    date: string,
    extra: Data,
  ): string {
    return this.record(type, `student-${student}`, this.districtOf(schoolCode), {
      student,
      schoolCode,
      districtCode: this.districtOf(schoolCode),
      grade,
      date,
      ...extra,
    });
  }

  private districtOf(schoolCode: string): string {
    return this.districts.get(schoolCode) ?? `${schoolCode.slice(2, 8)}`;
  }

  private record(
    type: string,
    streamId: string,
    districtCode: string,
    data: Data,
    schemaVersion = 1,
  ): string {
    const position = this.events.length + 1;
    const eventId = fixtureId(`${this.name}:${position}`);
    const occurredOn = (data.date ??
      data.effectiveOn ??
      data.registeredOn ??
      data.reportedOn ??
      data.startDate ??
      data.allocatedOn ??
      data.revokedOn ??
      data.budgetedOn ??
      data.endedOn) as string;
    this.events.push({
      eventId,
      type,
      schemaVersion,
      streamId,
      streamType: streamId.slice(0, streamId.lastIndexOf('-')),
      streamVersion: this.events.filter((event) => event.streamId === streamId).length + 1,
      globalPosition: position,
      transactionId: 1000 + position,
      occurredAt: `${occurredOn}T00:00:00.000Z`,
      recordedAt: this.recordedAt,
      districtCode,
      actor: 'golden-test',
      actorRole: 'province-admin',
      actorScope: '44',
      commandId: null,
      correlationId: null,
      data,
    });
    return eventId;
  }
}

/**
 * Projects the log into the analytics tables the way the projector would: in log order, each
 * event in today's schema (a reader upcasts what it decodes; the log is written at schema 1).
 */
export async function project(analytics: AnalyticsClient, log: EventLog): Promise<void> {
  const writer = new ProjectionWriter(analytics, PROJECTIONS);
  const last = log.events.at(-1);
  await writer.apply({
    events: log.events.map((event) => upcastEvent(event)),
    batchId: `golden:${log.events.length}`,
    source: 'golden',
    position: last
      ? { transactionId: last.transactionId, globalPosition: last.globalPosition }
      : null,
  });
}
