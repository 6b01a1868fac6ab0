import { createHash } from 'node:crypto';
import type {
  AllocationPurpose,
  DropoutReason,
  FundProgrammeEvent,
  LessonExchangeKind,
  LessonExchanged,
  PairingEvent,
  ReturnMeans,
  RotationKind,
  SchoolEvent,
  SchoolLevel,
  StudentEvent,
  SupportForm,
  TeacherRotationEvent,
  UrbanRuralCode,
} from '@junheng/domain';
import {
  FUND_PROGRAMME_STREAM_TYPE,
  LESSON_EXCHANGE_STREAM_TYPE,
  PAIRING_STREAM_TYPE,
  SCHOOL_STREAM_TYPE,
  STUDENT_STREAM_TYPE,
  SchoolStages,
  TEACHER_STREAM_TYPE,
  gradeOn,
  initialStudentState,
  schoolYearOf,
  studentDecider,
} from '@junheng/domain';
import type { Clock, EntryKind, StudentCommand, StudentLevel, StudentState } from '@junheng/domain';
import { PROJECTIONS, ProjectionWriter } from '@junheng/analytics';
import type { AnalyticsClient } from '@junheng/analytics';
import type { RecordedEvent } from '@junheng/event-store';

/**
 * A deterministic synthetic province for the indicator benchmark: schools in districts in
 * cities, `years` school years (six by default) of students' careers — entrants of each year's
 * first grades, promotion, repeats, skips, transfers, dropouts and returns, suspensions, deaths,
 * graduations — so that cohorts can be followed from entry to graduation; each year's conditions
 * and staffing reports, a few hierarchy changes, teacher rotations, pairings with their lesson
 * exchanges, and earmarked funds. The student facts are decided by the product's own student
 * decider, so they are what the api would have recorded. The same options and seed give the
 * same log, event ids included; nothing reads `Math.random`.
 *
 * The log is in recording order: each event is recorded on the day it happened or a few days
 * later, never before an earlier event of its stream (what happened before the go-live, just
 * before the first school year, was imported in its first fortnight), and nothing is dated or
 * recorded after the end of the last school year.
 */
export interface ProvinceOptions {
  readonly seed: number;
  readonly cities: number;
  readonly districtsPerCity: number;
  readonly schools: number;
  /** Students on the register on 1 September of `schoolYear`, over all schools. */
  readonly students: number;
  /** The last school year (学年: 2024 is 2024-09-01 .. 2025-08-31): the one measured. */
  readonly schoolYear: number;
  /** How many school years of facts, ending with `schoolYear` (default 6). */
  readonly years?: number;
}

/**
 * The three datasets of `../shared/design/quality.md`: `small` for tests and the demo, `medium`
 * CI-sized, `large` for benchmarks. Six school years each, so that cohorts graduate.
 */
export const PROVINCE_SCALES = {
  small: { cities: 1, districtsPerCity: 3, schools: 60, students: 20_000 },
  medium: { cities: 2, districtsPerCity: 5, schools: 1_000, students: 300_000 },
  large: { cities: 10, districtsPerCity: 10, schools: 10_000, students: 5_000_000 },
} as const satisfies Record<
  string,
  Pick<ProvinceOptions, 'cities' | 'districtsPerCity' | 'schools' | 'students'>
>;
export type ProvinceScale = keyof typeof PROVINCE_SCALES;

export type UrbanRuralGroup = 'urban' | 'town' | 'rural';

export interface SyntheticSchool {
  readonly code: string;
  readonly district: string;
  readonly level: SchoolLevel;
  readonly group: UrbanRuralGroup;
  readonly urbanRural: UrbanRuralCode;
  readonly weak: boolean;
  readonly grades: readonly number[];
}

export interface SyntheticProvince {
  readonly province: string;
  readonly cities: readonly string[];
  readonly districts: readonly string[];
  readonly schools: readonly SyntheticSchool[];
  readonly students: number;
  /** The first school year with facts; the last is the measured one. */
  readonly firstYear: number;
  readonly events: readonly RecordedEvent[];
  /** How many events of each type the log holds. */
  readonly eventTypes: Readonly<Record<string, number>>;
}

type DomainEvent =
  | StudentEvent
  | SchoolEvent
  | TeacherRotationEvent
  | PairingEvent
  | FundProgrammeEvent
  | LessonExchanged;

interface Draft {
  readonly event: DomainEvent;
  readonly streamId: string;
  /** The envelope's district; null for a province's or a city's own programme. */
  readonly districtCode: string | null;
  readonly occurredOn: string;
  readonly recordedAt: string;
}

/** mulberry32: small, fast, good enough for synthetic data, and seeded. */
class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** One of `items`, each with the probability weight given beside it. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [item, weight] of items) {
      roll -= weight;
      if (roll < 0) return item;
    }
    return items[items.length - 1]![0];
  }
}

/** The province's school system: 六三制, the default, as `studentDecider` decides under it. */
const STAGES = SchoolStages.SIX_THREE;

const DAY_MS = 86_400_000;
// Memoised: a log of a few thousand days converts the same dates hundreds of thousands of times.
const dayNumbers = new Map<string, number>();
const dates = new Map<number, string>();
const dayNumber = (date: string): number => {
  let day = dayNumbers.get(date);
  if (day === undefined) {
    day = Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
    dayNumbers.set(date, day);
  }
  return day;
};
const dateOf = (day: number): string => {
  let date = dates.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dates.set(day, date);
  }
  return date;
};
const addDays = (date: string, days: number): string => dateOf(dayNumber(date) + days);

const URBAN_RURAL_CODES: Readonly<Record<UrbanRuralGroup, readonly UrbanRuralCode[]>> = {
  urban: ['111', '112'],
  town: ['121', '122', '123'],
  rural: ['210', '220'],
};

const GRADES: Readonly<Record<SchoolLevel, readonly number[]>> = {
  primary: [1, 2, 3, 4, 5, 6],
  junior: [7, 8, 9],
  'nine-year': [1, 2, 3, 4, 5, 6, 7, 8, 9],
};

const DROPOUT_REASONS: readonly (readonly [DropoutReason, number])[] = [
  ['learning-difficulty', 35],
  ['poverty', 20],
  ['work', 15],
  ['distance', 10],
  ['illness', 10],
  ['other', 10],
];
const RETURN_MEANS: readonly (readonly [ReturnMeans, number])[] = [
  ['persuasion', 70],
  ['legal-order', 10],
  ['own-accord', 20],
];
const ROTATION_KINDS: readonly (readonly [RotationKind, number])[] = [
  ['rotation', 80],
  ['supported-teaching', 12],
  ['secondment', 8],
];
const EXCHANGE_KINDS: readonly LessonExchangeKind[] = [
  'demonstration',
  'open',
  'mutual-observation',
  'lecture',
  'joint-preparation',
  'outreach',
];
const SUPPORT_FORMS: readonly SupportForm[] = ['teaching', 'management', 'funds', 'materials'];
const SUBJECTS = ['chinese', 'mathematics', 'english', 'science', 'music', 'art', 'pe'];

/** Per-district mix of urban, town and rural schools: a city core, suburbs, counties. */
const DISTRICT_MIXES: readonly (readonly (readonly [UrbanRuralGroup, number])[])[] = [
  [
    ['urban', 80],
    ['town', 15],
    ['rural', 5],
  ],
  [
    ['urban', 35],
    ['town', 40],
    ['rural', 25],
  ],
  [
    ['urban', 10],
    ['town', 35],
    ['rural', 55],
  ],
];

/**
 * Projects the province's log the way the projector would, in batches of `batchSize` events,
 * into every projection table of `analytics` (migrated beforehand).
 */
export async function projectProvince(
  analytics: AnalyticsClient,
  province: SyntheticProvince,
  batchSize: number,
): Promise<void> {
  const writer = new ProjectionWriter(analytics, PROJECTIONS);
  const { events } = province;
  for (let offset = 0; offset < events.length; offset += batchSize) {
    const batch = events.slice(offset, offset + batchSize);
    const last = batch.at(-1)!;
    await writer.apply({
      events: batch,
      batchId: `synthetic-province:${offset}`,
      source: 'bench',
      position: { transactionId: last.transactionId, globalPosition: last.globalPosition },
    });
  }
}

/** Generates the province. Pure: the same options give the same log. */
export function syntheticProvince(options: ProvinceOptions): SyntheticProvince {
  return new Generator(options).generate();
}

class Generator {
  private readonly random: Random;
  private readonly drafts: Draft[] = [];
  /** The measured school year, the last one with facts. */
  private readonly year: number;
  private readonly firstYear: number;
  /** The day Junheng went live: just before the first school year began. */
  private readonly goLive: string;
  private readonly yearEnd: string;
  private readonly cities: string[] = [];
  private readonly districts: string[] = [];
  private readonly schools: SyntheticSchool[] = [];
  private readonly byDistrict = new Map<string, SyntheticSchool[]>();
  /** Schools that changed district during the year: the new district and from when. */
  private readonly moves = new Map<string, { readonly to: string; readonly on: string }>();
  /** Students on each school's register on 1 September of each year (`school:year`). */
  private readonly enrolment = new Map<string, { primary: number; junior: number }>();
  /** Rotation-eligible teachers of each school each year (`school:year`, its staffing report). */
  private readonly eligibleTeachers = new Map<string, number>();
  private studentCount = 0;
  private serial = 0;
  private readonly lastOfStream = new Map<string, { occurredOn: string; recordedAt: string }>();
  /** After the last school year: every fact of the log is reportable. */
  private readonly clock: Clock;

  constructor(private readonly options: ProvinceOptions) {
    this.random = new Random(options.seed);
    this.year = options.schoolYear;
    this.firstYear = this.year - Math.max(1, options.years ?? 6) + 1;
    this.goLive = `${this.firstYear}-08-19`;
    this.yearEnd = `${this.year + 1}-08-31`;
    const end = new Date(`${this.yearEnd}T23:59:59.000Z`);
    this.clock = { now: () => end };
  }

  generate(): SyntheticProvince {
    this.hierarchy();
    this.students();
    this.reports();
    this.hierarchyChanges();
    this.rotations();
    const pairings = this.pairings();
    this.funds(pairings);
    const events = this.recorded();
    const eventTypes: Record<string, number> = {};
    for (const event of events) eventTypes[event.type] = (eventTypes[event.type] ?? 0) + 1;
    return {
      province: '44',
      cities: this.cities,
      districts: this.districts,
      schools: this.schools,
      students: this.studentCount,
      firstYear: this.firstYear,
      events,
      eventTypes,
    };
  }

  // --- the school hierarchy -------------------------------------------------------------

  private hierarchy(): void {
    const { cities, districtsPerCity, schools } = this.options;
    for (let city = 1; city <= cities; city += 1) {
      const cityCode = `44${String(city).padStart(2, '0')}`;
      this.cities.push(cityCode);
      for (let district = 0; district < districtsPerCity; district += 1)
        this.districts.push(`${cityCode}${String(3 + district).padStart(2, '0')}`);
    }
    // Districts differ in size: weights 0.6-1.4, rounded so they add up to `schools`.
    const weights = this.districts.map(() => this.random.between(0.6, 1.4));
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    const counts = weights.map((weight) => Math.max(1, Math.floor((schools * weight) / total)));
    for (let index = 0; counts.reduce((sum, count) => sum + count, 0) < schools; index += 1)
      counts[index % counts.length]! += 1;

    this.districts.forEach((district, districtIndex) => {
      const mix =
        DISTRICT_MIXES[
          districtIndex % districtsPerCity === 0 ? 0 : districtIndex % 2 === 0 ? 1 : 2
        ]!;
      const list: SyntheticSchool[] = [];
      const count = counts[districtIndex]!;
      for (let index = 1; index <= count; index += 1) {
        // Every district of two schools or more has a rural school and an urban one (its seat,
        // 城区), so that its urban-rural gap is defined: the last two schools make up for a
        // group the draws missed. The draws are taken all the same, so every other school stays
        // what the seed made it.
        let group = this.random.weighted(mix);
        const lacks = (wanted: UrbanRuralGroup) => !list.some((school) => school.group === wanted);
        if (count >= 2 && index === count - 1 && lacks('rural')) group = 'rural';
        if (count >= 2 && index === count && lacks('urban')) group = 'urban';
        const level = this.random.weighted<SchoolLevel>(
          group === 'rural'
            ? [
                ['primary', 55],
                ['junior', 15],
                ['nine-year', 30],
              ]
            : [
                ['primary', 58],
                ['junior', 28],
                ['nine-year', 14],
              ],
        );
        // And a weak school (薄弱学校), the one its pairings support: pairing activity is defined.
        const weak =
          this.random.chance(group === 'rural' ? 0.28 : group === 'town' ? 0.14 : 0.03) ||
          (count >= 2 && index === count && !list.some((school) => school.weak));
        const school: SyntheticSchool = {
          code: `${district}${String(index).padStart(4, '0')}`,
          district,
          level,
          group,
          urbanRural: this.random.pick(URBAN_RURAL_CODES[group]),
          weak,
          grades: GRADES[level],
        };
        list.push(school);
        this.schools.push(school);
        const registeredOn = dateOf(
          this.random.int(dayNumber('1995-01-01'), dayNumber('2015-06-30')),
        );
        this.add(
          {
            type: 'SchoolRegistered',
            schemaVersion: 1,
            data: {
              schoolCode: school.code,
              name: `${district}第${index}${level === 'junior' ? '中学' : level === 'primary' ? '小学' : '学校'}`,
              districtCode: district,
              urbanRuralCode: school.urbanRural,
              level,
              weak,
              registeredOn,
            },
          },
          `school-${school.code}`,
          district,
          registeredOn,
        );
      }
      this.byDistrict.set(district, list);
    });
  }

  /** A few town schools are reclassified urban mid-year; three small rural ones are merged. */
  private hierarchyChanges(): void {
    const midYear = `${this.year + 1}-01-01`;
    const towns = this.schools.filter((school) => school.group === 'town');
    for (let index = 0; index < Math.min(10, towns.length); index += 1) {
      const school = towns[Math.floor((index * towns.length) / 10)]!;
      this.add(
        {
          type: 'SchoolReclassified',
          schemaVersion: 1,
          data: { schoolCode: school.code, urbanRuralCode: '112', effectiveOn: midYear },
        },
        `school-${school.code}`,
        school.district,
        midYear,
      );
    }
    // After the last movement of the year (graduation on 1 July): nobody is at a merged school.
    const mergedOn = `${this.year + 1}-07-15`;
    let merges = 0;
    for (const district of this.districts) {
      if (merges >= 3) break;
      const rural = (this.byDistrict.get(district) ?? []).filter(
        (school) => school.group === 'rural' && school.level === 'primary',
      );
      const [small, heir] = rural;
      if (small === undefined || heir === undefined) continue;
      this.add(
        {
          type: 'SchoolMerged',
          schemaVersion: 1,
          data: { schoolCode: small.code, intoSchoolCode: heir.code, effectiveOn: mergedOn },
        },
        `school-${small.code}`,
        district,
        mergedOn,
      );
      merges += 1;
    }
  }

  /** The moves must be known before the students' events are dated: chosen up front. */
  private chooseMove(): void {
    const [from, to] = this.districts;
    const school = this.byDistrict.get(from ?? '')?.at(-1);
    if (school === undefined || to === undefined) return;
    const on = `${this.year + 1}-01-01`;
    this.moves.set(school.code, { to, on });
    this.add(
      {
        type: 'SchoolMovedDistrict',
        schemaVersion: 1,
        data: {
          schoolCode: school.code,
          fromDistrictCode: school.district,
          toDistrictCode: to,
          effectiveOn: on,
        },
      },
      `school-${school.code}`,
      to,
      on,
    );
  }

  private districtOn(school: SyntheticSchool, date: string): string {
    const move = this.moves.get(school.code);
    return move !== undefined && date >= move.on ? move.to : school.district;
  }

  // --- students -------------------------------------------------------------------------

  /**
   * Every school's classes over the school years: who was there at the go-live (each enrolled
   * when their class entered, a few transferred in the year before), the entrants of each
   * year's first grades, a few transfers in from outside the province, and what happens to each
   * student until they graduate, leave or the last year ends. A nine-year school's primary
   * graduates mostly go on into its own grade 7.
   */
  private students(): void {
    this.chooseMove();
    const factor = (school: SyntheticSchool): number =>
      (school.group === 'urban' ? 1.8 : school.group === 'town' ? 1 : 0.45) *
      school.grades.length *
      this.random.between(0.7, 1.3);
    const factors = this.schools.map(factor);
    const total = factors.reduce((sum, value) => sum + value, 0);
    this.schools.forEach((school, index) => {
      const perGrade = Math.max(
        1,
        Math.round((this.options.students * factors[index]!) / total / school.grades.length),
      );
      this.classesOf(school, perGrade);
    });
  }

  private classesOf(school: SyntheticSchool, perGrade: number): void {
    const classSize = (): number =>
      Math.max(1, Math.round(perGrade * this.random.between(0.9, 1.1)));
    // On the register when Junheng went live: enrolled before, imported then.
    for (const grade of school.grades) {
      const level = STAGES.levelOfGrade(grade);
      const entryGrade = STAGES.firstGrade(level);
      if (grade === entryGrade) continue;
      for (let index = classSize(); index > 0; index -= 1) {
        if (this.random.chance(0.93)) {
          this.career(
            school,
            entryGrade,
            `${this.firstYear - (grade - entryGrade)}-09-01`,
            'new-entrant',
          );
        } else {
          const day = String(this.random.int(1, 28)).padStart(2, '0');
          this.career(school, grade - 1, `${this.firstYear}-03-${day}`, 'transfer-in');
        }
      }
    }
    for (let year = this.firstYear; year <= this.year; year += 1) {
      // A nine-year school's grade 7 is its own primary graduates, after the first year.
      const entryGrades = school.grades.filter(
        (grade) =>
          (grade === 1 || grade === STAGES.firstGrade('junior')) &&
          !(school.level === 'nine-year' && grade !== 1 && year > this.firstYear),
      );
      for (const grade of entryGrades)
        for (let index = classSize(); index > 0; index -= 1)
          this.career(school, grade, `${year}-09-01`, 'new-entrant');
      // Transfers in from outside the province, into any grade, during the year.
      if (year > this.firstYear)
        for (const grade of school.grades)
          for (
            let count = Math.floor(0.02 * perGrade + this.random.next());
            count > 0;
            count -= 1
          ) {
            const day = this.random.int(dayNumber(`${year}-09-15`), dayNumber(`${year + 1}-05-31`));
            this.career(school, grade, dateOf(day), 'transfer-in');
          }
    }
  }

  /**
   * One student's facts from their enrolment on, decided by the product's own student decider
   * (六三制), so every event is what the api would have recorded: the grade on the day with
   * promotion, the class, repeats, returns. A student has at most one fact a week.
   */
  private career(
    first: SyntheticSchool,
    grade: number,
    enrolledOn: string,
    entry: EntryKind,
  ): void {
    this.serial += 1;
    const student = pseudonym(this.options.seed, this.serial);
    const streamId = `student-${student}`;
    let state: StudentState = initialStudentState;
    let school = first;
    const decide = (command: StudentCommand): void => {
      for (const event of studentDecider.decide(command, state, this.clock)) {
        const envelope = studentDecider.envelopeOf(event, state);
        state = studentDecider.evolve(state, event);
        this.add(event, streamId, envelope.districtCode, envelope.occurredOn);
      }
    };
    const at = (date: string) => ({
      student,
      schoolCode: school.code,
      districtCode: this.districtOn(school, date),
      date,
    });
    decide({ type: 'EnrolStudent', ...at(enrolledOn), grade, entry });

    let day = dayNumber(enrolledOn) + 7;
    /** A return or resumption that falls in a later school year than its dropout or suspension. */
    let comesBackOn: number | null = null;
    for (
      let year = Math.max(this.firstYear, schoolYearOf(enrolledOn));
      year <= this.year;
      year += 1
    ) {
      const yearStart = dayNumber(`${year}-09-01`);
      const graduation = dayNumber(`${year + 1}-07-01`);
      const lastMovement = dayNumber(`${year + 1}-06-25`);
      if (day < yearStart) day = yearStart + this.random.int(1, 10);
      const gradeNow = gradeOn(state, `${year}-09-01`, STAGES);
      if (
        (state.status === 'enrolled' || state.status === 'suspended') &&
        dayNumber(enrolledOn) <= yearStart &&
        gradeNow !== null
      )
        this.countOnRegister(school.code, year, STAGES.levelOfGrade(gradeNow));

      if (comesBackOn !== null && comesBackOn <= graduation) {
        day = Math.max(day, comesBackOn);
        comesBackOn = null;
        this.comeBack(state, decide, at, day);
        day += 7;
      }
      if (state.status === 'enrolled' && gradeNow !== null) {
        const level = STAGES.levelOfGrade(gradeNow);
        const lastYears = gradeOn(state, `${year}-08-31`, STAGES);
        // 留级 at the start of the year, for a student promoted into this year's grade.
        if (
          state.placedIn !== null &&
          state.placedIn < year &&
          lastYears !== null &&
          lastYears !== gradeNow &&
          this.random.chance(level === 'primary' ? 0.008 : 0.012)
        ) {
          decide({ type: 'RepeatGrade', ...at(dateOf(day)), grade: lastYears });
          day += 7;
        } else if (gradeNow < STAGES.finalGrade(level) && this.random.chance(0.0008)) {
          // 跳级 from the grade of the skip's day: a student who came back this year (returned
          // into the grade they left) is no longer in the grade of 1 September.
          const gradeToday = gradeOn(state, dateOf(day), STAGES)!;
          if (gradeToday < STAGES.finalGrade(STAGES.levelOfGrade(gradeToday)))
            decide({ type: 'SkipGrade', ...at(dateOf(day)), grade: gradeToday + 1 });
          day += 7;
        }
      }
      if (state.status === 'enrolled' && day <= lastMovement) {
        day += this.random.int(0, 40);
        if (this.random.chance(0.03)) {
          day += this.random.int(0, 200);
          const date = dateOf(day);
          const to = this.transferTarget(school, gradeOn(state, date, STAGES)!);
          if (to !== undefined && day <= lastMovement) {
            decide({
              type: 'TransferStudent',
              ...at(date),
              toSchoolCode: to.code,
              toDistrictCode: this.districtOn(to, date),
            });
            school = to;
            day += 7;
          }
        }
        const level = STAGES.levelOfGrade(gradeOn(state, dateOf(day), STAGES)!);
        const dropoutRate =
          (level === 'primary' ? 0.003 : 0.015) * (school.group === 'rural' ? 2 : 1);
        if (this.random.chance(dropoutRate) && day <= lastMovement) {
          day = Math.min(lastMovement, day + this.random.int(0, 180));
          decide({
            type: 'DropOutStudent',
            ...at(dateOf(day)),
            reason: this.random.weighted(DROPOUT_REASONS),
          });
          if (this.random.chance(0.5)) comesBackOn = day + this.random.int(20, 300);
          day += 7;
        } else if (this.random.chance(0.005) && day <= lastMovement) {
          day = Math.min(lastMovement, day + this.random.int(0, 150));
          decide({ type: 'SuspendStudent', ...at(dateOf(day)) });
          if (this.random.chance(0.6)) comesBackOn = day + this.random.int(30, 200);
          day += 7;
        } else if (this.random.chance(0.00015) && day <= lastMovement) {
          decide({ type: 'RecordStudentDeath', ...at(dateOf(day)) });
          return;
        }
        if (comesBackOn !== null && comesBackOn <= lastMovement) {
          day = Math.max(day, comesBackOn);
          comesBackOn = null;
          this.comeBack(state, decide, at, day);
          day += 7;
        }
      }
      // 毕业 on 1 July, from the level's final grade.
      const july = dateOf(graduation);
      const finalGrade = gradeOn(state, july, STAGES);
      if (
        state.status !== 'enrolled' ||
        day > graduation ||
        finalGrade === null ||
        finalGrade !== STAGES.finalGrade(STAGES.levelOfGrade(finalGrade))
      )
        continue;
      decide({ type: 'GraduateStudent', ...at(july) });
      const goesOn =
        school.level === 'nine-year' &&
        finalGrade < 9 &&
        year < this.year &&
        this.random.chance(0.9);
      if (!goesOn) return;
      const september = `${year + 1}-09-01`;
      decide({
        type: 'EnrolStudent',
        ...at(september),
        grade: STAGES.firstGrade('junior'),
        entry: 'new-entrant',
      });
      day = dayNumber(september) + 7;
    }
  }

  /** A dropout returns into the grade they left (劝返); a suspension is resumed. */
  private comeBack(
    state: StudentState,
    decide: (command: StudentCommand) => void,
    at: (date: string) => {
      student: string;
      schoolCode: string;
      districtCode: string;
      date: string;
    },
    day: number,
  ): void {
    const date = dateOf(day);
    if (state.status === 'dropped-out') {
      const grade = gradeOn(state, state.droppedOutOn!, STAGES)!;
      decide({
        type: 'ReturnStudent',
        ...at(date),
        grade,
        means: this.random.weighted(RETURN_MEANS),
      });
    } else if (state.status === 'suspended') {
      decide({ type: 'ResumeStudent', ...at(date) });
    }
  }

  private countOnRegister(schoolCode: string, year: number, level: StudentLevel): void {
    const key = `${schoolCode}:${year}`;
    const counts = this.enrolment.get(key) ?? { primary: 0, junior: 0 };
    counts[level] += 1;
    this.enrolment.set(key, counts);
    if (year === this.year) this.studentCount += 1;
  }

  /** Mostly within the district, otherwise within the city; a school teaching the grade. */
  private transferTarget(from: SyntheticSchool, grade: number): SyntheticSchool | undefined {
    const district = this.random.chance(0.8)
      ? from.district
      : this.random.pick(
          this.districts.filter((code) => code.startsWith(from.district.slice(0, 4))),
        );
    const candidates = (this.byDistrict.get(district) ?? []).filter(
      (school) => school !== from && school.grades.includes(grade),
    );
    return candidates.length === 0 ? undefined : this.random.pick(candidates);
  }

  // --- annual reports ---------------------------------------------------------------------

  private reports(): void {
    for (const school of this.schools) {
      const resources = this.resourcesOf(school);
      for (let year = this.firstYear; year <= this.year; year += 1) {
        const { primary, junior } = this.enrolment.get(`${school.code}:${year}`) ?? {
          primary: 0,
          junior: 0,
        };
        const students = primary + junior;
        const reportedOn = `${year}-10-15`;
        const district = this.districtOn(school, reportedOn);
        const conditions = {
          schoolCode: school.code,
          schoolYear: year,
          reportedOn,
          primaryEnrolment: primary,
          juniorEnrolment: junior,
          teachingAuxiliaryAreaM2: Math.round(students * resources.floorArea),
          sportsAreaM2: Math.round(students * resources.sportsArea),
          equipmentValueYuan: Math.round(students * resources.equipment),
          computers: Math.round((students * resources.computers) / 100),
          books: Math.round(students * resources.books),
          networkedMultimediaClassrooms: Math.max(
            1,
            Math.round((students * resources.classrooms) / 100),
          ),
          districtCode: district,
        };
        this.add(
          { type: 'SchoolConditionsReported', schemaVersion: 1, data: conditions },
          `school-${school.code}`,
          district,
          reportedOn,
          this.random.int(0, 10),
        );
        const teachers = Math.max(3, Math.round((students * resources.teachers) / 100));
        const eligible = Math.round(teachers * this.random.between(0.3, 0.5));
        this.eligibleTeachers.set(`${school.code}:${year}`, eligible);
        this.add(
          {
            type: 'SchoolStaffingReported',
            schemaVersion: 1,
            data: {
              schoolCode: school.code,
              schoolYear: year,
              reportedOn,
              fullTimeTeachers: teachers,
              aboveQualificationTeachers: Math.round(teachers * resources.aboveQualification),
              intermediateTitleTeachers: Math.round(teachers * this.random.between(0.3, 0.55)),
              backboneTeachers: Math.round(teachers * resources.backbone),
              peArtsTeachers: Math.max(1, Math.round(teachers * this.random.between(0.1, 0.16))),
              rotationEligibleTeachers: eligible,
              districtCode: district,
            },
          },
          `school-${school.code}`,
          district,
          reportedOn,
          this.random.int(0, 10),
        );
        // A correction of the year's conditions report, filed in December.
        if (this.random.chance(0.03)) {
          const correctedOn = `${year}-12-${String(this.random.int(1, 20)).padStart(2, '0')}`;
          this.add(
            {
              type: 'SchoolConditionsReported',
              schemaVersion: 1,
              data: {
                ...conditions,
                reportedOn: correctedOn,
                books: Math.round(conditions.books * this.random.between(0.9, 1.1)),
                computers: conditions.computers + this.random.int(0, 10),
              },
            },
            `school-${school.code}`,
            district,
            correctedOn,
          );
        }
      }
    }
  }

  /** Per-student (or per-100) resources: urban schools richer, weak schools poorer. */
  private resourcesOf(school: SyntheticSchool) {
    const r = this.random;
    const weak = school.weak ? 0.75 : 1;
    const junior = school.level === 'junior' ? 1.2 : 1;
    switch (school.group) {
      case 'urban':
        return {
          floorArea: r.between(5, 7.5) * weak * junior,
          sportsArea: r.between(5, 9) * weak * junior,
          equipment: r.between(2500, 4500) * weak * junior,
          computers: r.between(10, 20) * weak,
          books: r.between(25, 40) * weak,
          classrooms: r.between(2, 3.5) * weak,
          teachers: r.between(5.5, 6.5),
          aboveQualification: r.between(0.85, 0.98) * weak,
          backbone: r.between(0.2, 0.35) * weak,
        };
      case 'town':
        return {
          floorArea: r.between(4.5, 7) * weak * junior,
          sportsArea: r.between(7, 12) * weak * junior,
          equipment: r.between(1800, 3500) * weak * junior,
          computers: r.between(8, 15) * weak,
          books: r.between(20, 35) * weak,
          classrooms: r.between(1.8, 3.5) * weak,
          teachers: r.between(6, 7.5),
          aboveQualification: r.between(0.7, 0.9) * weak,
          backbone: r.between(0.1, 0.25) * weak,
        };
      case 'rural':
        return {
          floorArea: r.between(4, 8) * weak * junior,
          sportsArea: r.between(8, 15) * weak * junior,
          equipment: r.between(1200, 3000) * weak * junior,
          computers: r.between(5, 14) * weak,
          books: r.between(15, 35) * weak,
          classrooms: r.between(1.5, 4) * weak,
          teachers: r.between(7, 11),
          aboveQualification: r.between(0.55, 0.85) * weak,
          backbone: r.between(0.03, 0.15) * weak,
        };
    }
  }

  // --- rotations, pairings, lesson exchanges ---------------------------------------------

  /**
   * Each year's rotations, growing year on year as the policy takes hold: teachers of urban and
   * town schools go to rural or weak schools of the district (sometimes of the city) for a
   * year; every year's but the last has ended by the time the log ends.
   */
  private rotations(): void {
    let serial = 0;
    for (let year = this.firstYear; year <= this.year; year += 1) {
      const volume = 1 - 0.1 * (this.year - year);
      for (const school of this.schools) {
        if (school.group === 'rural' || school.weak) continue;
        const eligible = this.eligibleTeachers.get(`${school.code}:${year}`) ?? 0;
        const count = Math.round(eligible * this.random.between(0.04, 0.2) * volume);
        for (let index = 0; index < count; index += 1) {
          const district = this.random.chance(0.9)
            ? school.district
            : this.random.pick(
                this.districts.filter((code) => code.startsWith(school.district.slice(0, 4))),
              );
          const targets = (this.byDistrict.get(district) ?? []).filter(
            (target) => target !== school && (target.group === 'rural' || target.weak),
          );
          if (targets.length === 0) continue;
          const to = this.random.pick(targets);
          serial += 1;
          const teacher = `t${pseudonym(this.options.seed + 1, serial).slice(0, 12)}`;
          const secondTerm = this.random.chance(0.3);
          const startDate = secondTerm
            ? `${year + 1}-02-${String(this.random.int(17, 28)).padStart(2, '0')}`
            : `${year}-09-${String(this.random.int(1, 12)).padStart(2, '0')}`;
          const rotationId = `R${year}-${String(serial).padStart(6, '0')}`;
          const fromDistrict = this.districtOn(school, startDate);
          this.add(
            {
              type: 'TeacherRotationStarted',
              schemaVersion: 1,
              data: {
                rotationId,
                teacher,
                fromDistrictCode: fromDistrict,
                fromSchoolCode: school.code,
                toDistrictCode: this.districtOn(to, startDate),
                toSchoolCode: to.code,
                kind: this.random.weighted(ROTATION_KINDS),
                subject: this.random.pick(SUBJECTS),
                backbone: this.random.chance(0.25),
                startDate,
                plannedEndDate: addDays(startDate, 364),
              },
            },
            `teacher-${teacher}`,
            fromDistrict,
            startDate,
          );
          const endDate = `${year + 1}-07-${String(this.random.int(5, 15)).padStart(2, '0')}`;
          if (endDate <= this.yearEnd)
            this.add(
              {
                type: 'TeacherRotationEnded',
                schemaVersion: 1,
                data: {
                  rotationId,
                  teacher,
                  fromDistrictCode: fromDistrict,
                  fromSchoolCode: school.code,
                  endDate,
                },
              },
              `teacher-${teacher}`,
              fromDistrict,
              endDate,
            );
        }
      }
    }
  }

  /**
   * Every weak school is supported by a strong urban or town school of the district (or, in the
   * provincial 百校扶百校 programme, of another district of the city) in three-year pairings,
   * one after another from before the first school year; a few end early and the next begins
   * the school year after. Each pairing holds lesson exchanges; others are held outside any.
   */
  private pairings(): readonly (readonly [string, string])[] {
    const strong = this.schools.filter((school) => school.group !== 'rural' && !school.weak);
    const active: [string, string][] = [];
    let serial = 0;
    for (const receiving of this.schools.filter((school) => school.weak)) {
      let startYear = this.firstYear - this.random.int(0, 2);
      while (startYear <= this.year) {
        const sameDistrict = this.random.chance(0.7);
        const candidates = strong.filter((school) =>
          sameDistrict
            ? school.district === receiving.district
            : school.district !== receiving.district &&
              school.district.slice(0, 4) === receiving.district.slice(0, 4),
        );
        if (candidates.length === 0) break;
        const supporting = this.random.pick(candidates);
        serial += 1;
        const pairingId = `PA${String(serial).padStart(5, '0')}`;
        const startDate = `${startYear}-09-01`;
        const endDate = `${startYear + 3}-08-31`;
        const forms = SUPPORT_FORMS.filter(
          (form) => form === 'teaching' || this.random.chance(0.4),
        );
        this.add(
          {
            type: 'PairingEstablished',
            schemaVersion: 1,
            data: {
              pairingId,
              programme: sameDistrict ? `${receiving.district}城乡学校共同体` : '百校扶百校',
              supportingSchoolCode: supporting.code,
              supportingDistrictCode: this.districtOn(supporting, startDate),
              receivingSchoolCode: receiving.code,
              receivingDistrictCode: this.districtOn(receiving, startDate),
              forms,
              startDate,
              endDate,
            },
          },
          `pairing-${pairingId}`,
          this.districtOn(receiving, startDate),
          startDate,
        );
        let endsOn = endDate;
        const endsEarlyIn = startYear + this.random.int(1, 2);
        if (this.random.chance(0.08) && endsEarlyIn <= this.year + 1) {
          endsOn = `${endsEarlyIn}-03-${String(this.random.int(1, 28)).padStart(2, '0')}`;
          this.add(
            {
              type: 'PairingEnded',
              schemaVersion: 1,
              data: {
                pairingId,
                receivingDistrictCode: this.districtOn(receiving, endsOn),
                endedOn: endsOn,
                reason: 'restructured',
              },
            },
            `pairing-${pairingId}`,
            this.districtOn(receiving, endsOn),
            endsOn,
          );
        }
        if (endsOn >= `${this.year}-09-01`) active.push([supporting.code, receiving.code]);
        // Exchanges from the pairing's start (or the first year) to its end or the last year's.
        const first = dayNumber(`${this.firstYear}-09-01`);
        const from = Math.max(first, dayNumber(startDate));
        const to = Math.min(dayNumber(endsOn), dayNumber(`${this.year + 1}-07-10`));
        const exchanges = Math.max(0, Math.round(((to - from) / 365) * this.random.int(4, 12)));
        for (let index = 0; index < exchanges; index += 1) {
          const [host, visiting] = this.random.chance(0.7)
            ? [supporting, receiving]
            : [receiving, supporting];
          this.exchange(host, visiting, dateOf(this.random.int(from, to)), pairingId);
        }
        startYear = schoolYearOf(endsOn) + 1;
      }
    }
    for (const district of this.districts) {
      const schools = this.byDistrict.get(district) ?? [];
      if (schools.length < 2) continue;
      // Exchanges outside any pairing: 10-30 a school year in each district.
      const count = this.random.int(10, 30) * (this.year - this.firstYear + 1);
      for (let index = 0; index < count; index += 1) {
        const host = this.random.pick(schools);
        const visiting = this.random.pick(schools.filter((school) => school !== host));
        const day = this.random.int(
          dayNumber(`${this.firstYear}-09-01`),
          dayNumber(`${this.year + 1}-07-10`),
        );
        this.exchange(host, visiting, dateOf(day), null);
      }
    }
    return active;
  }

  private exchangeSerial = 0;

  private exchange(
    host: SyntheticSchool,
    visiting: SyntheticSchool,
    date: string,
    pairingId: string | null,
  ): void {
    this.exchangeSerial += 1;
    const exchangeId = `X${String(this.exchangeSerial).padStart(7, '0')}`;
    const districtCode = this.districtOn(host, date);
    this.add(
      {
        type: 'LessonExchanged',
        schemaVersion: 2,
        data: {
          exchangeId,
          districtCode,
          hostSchoolCode: host.code,
          visitingSchoolCode: visiting.code,
          kind: this.random.pick(EXCHANGE_KINDS),
          subject: this.random.pick(SUBJECTS),
          date,
          attendees: this.random.int(8, 80),
          pairingId,
        },
      },
      `lesson-exchange-${exchangeId}`,
      districtCode,
      date,
    );
  }

  // --- funds ------------------------------------------------------------------------------

  /**
   * For every fiscal year from the first school year's to the one after the last (whose first
   * eight months fall in the last school year): one provincial programme for weak and rural schools (and lump sums to districts), one per city,
   * one per district (with money for pairing activity), a few allocations revoked.
   */
  private funds(pairings: readonly (readonly [string, string])[]): void {
    const paired = new Set(pairings.flat());
    for (let fiscalYear = this.firstYear; fiscalYear <= this.year + 1; fiscalYear += 1) {
      const lastDay = fiscalYear <= this.year ? `${fiscalYear}-12-20` : this.yearEnd;
      const programme = (
        programmeId: string,
        level: 'province' | 'city' | 'district',
        ownerCode: string,
        name: string,
        allocations: readonly (readonly [SyntheticSchool | string, number, AllocationPurpose])[],
      ): void => {
        const budgetedOn = `${fiscalYear}-01-10`;
        const total = allocations.reduce((sum, [, yuan]) => sum + yuan, 0);
        const budgetYuan = Math.max(
          100_000,
          Math.round((total * this.random.between(1.02, 1.35)) / 10_000) * 10_000,
        );
        const streamId = `fund-programme-${programmeId}`;
        this.add(
          {
            type: 'ProgrammeBudgeted',
            schemaVersion: 1,
            data: {
              programmeId,
              name,
              level,
              ownerCode,
              fiscalYear,
              budgetFen: budgetYuan * 100,
              budgetedOn,
            },
          },
          streamId,
          ownerCode.length === 6 ? ownerCode : null,
          budgetedOn,
        );
        allocations.forEach(([target, yuan, purpose], index) => {
          const allocationId = `${programmeId}-A${String(index + 1).padStart(4, '0')}`;
          const allocatedOn = dateOf(
            this.random.int(dayNumber(`${fiscalYear}-02-15`), dayNumber(lastDay)),
          );
          const school = typeof target === 'string' ? null : target;
          const districtCode =
            school === null ? (target as string) : this.districtOn(school, allocatedOn);
          const data = {
            programmeId,
            allocationId,
            districtCode,
            schoolCode: school?.code ?? null,
            amountFen: yuan * 100,
          };
          this.add(
            { type: 'FundsAllocated', schemaVersion: 1, data: { ...data, purpose, allocatedOn } },
            streamId,
            districtCode,
            allocatedOn,
          );
          const revokedOn = addDays(allocatedOn, this.random.int(15, 120));
          if (this.random.chance(0.03) && revokedOn <= this.yearEnd)
            this.add(
              {
                type: 'AllocationRevoked',
                schemaVersion: 1,
                data: { ...data, revokedOn, reason: 'correction' },
              },
              streamId,
              districtCode,
              revokedOn,
            );
        });
      };
      const yuan = (min: number, max: number): number =>
        this.random.int(min / 1000, max / 1000) * 1000;

      const provincial = this.schools
        .filter((school) =>
          school.weak
            ? this.random.chance(0.8)
            : school.group === 'rural' && this.random.chance(0.25),
        )
        .map(
          (school) =>
            [school, yuan(200_000, 1_500_000), this.random.pick(BUILDING_PURPOSES)] as const,
        );
      programme(
        `P${fiscalYear}`,
        'province',
        '44',
        `${fiscalYear}年义务教育薄弱环节改善与能力提升`,
        [
          ...provincial,
          ...this.districts.map(
            (district) => [district, yuan(500_000, 2_000_000), 'teacher-subsidy'] as const,
          ),
        ],
      );
      for (const city of this.cities) {
        const schools = this.schools.filter(
          (school) => school.district.startsWith(city) && this.random.chance(0.1),
        );
        programme(
          `C${city}-${fiscalYear}`,
          'city',
          city,
          `${city}市${fiscalYear}年义务教育均衡发展专项`,
          schools.map(
            (school) =>
              [school, yuan(50_000, 500_000), this.random.pick(BUILDING_PURPOSES)] as const,
          ),
        );
      }
      for (const district of this.districts) {
        const schools = (this.byDistrict.get(district) ?? []).filter(
          (school) => paired.has(school.code) || this.random.chance(0.2),
        );
        programme(
          `D${district}-${fiscalYear}`,
          'district',
          district,
          `${district}${fiscalYear}年教育均衡专项`,
          schools.map((school): readonly [SyntheticSchool, number, AllocationPurpose] =>
            paired.has(school.code)
              ? [school, yuan(20_000, 100_000), 'pairing-activity']
              : [school, yuan(30_000, 300_000), this.random.pick(BUILDING_PURPOSES)],
          ),
        );
      }
    }
  }

  // --- the log ----------------------------------------------------------------------------

  /**
   * Queues an event recorded `lagDays` after it happened (random 0-3 days unless given), or,
   * when it happened before Junheng went live, during the initial import.
   */
  private add(
    event: DomainEvent,
    streamId: string,
    districtCode: string | null,
    occurredOn: string,
    lagDays: number = this.random.int(0, 3),
  ): void {
    // What happened before the go-live was imported in its first fortnight.
    const recordedOn =
      occurredOn < this.goLive
        ? addDays(this.goLive, this.random.int(0, 13))
        : addDays(occurredOn, lagDays);
    const clamped = recordedOn > this.yearEnd ? this.yearEnd : recordedOn;
    const minute = this.random.int(8 * 60, 18 * 60);
    let recordedAt = `${clamped}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00.000Z`;
    // A stream's facts are recorded in the order they happened (the student decider refuses a
    // fact older than the last): one queued after an earlier-dated one of its stream is never
    // recorded before it, whatever the lags or the import days drawn.
    const last = this.lastOfStream.get(streamId);
    if (last !== undefined && occurredOn >= last.occurredOn && recordedAt < last.recordedAt)
      recordedAt = last.recordedAt;
    this.lastOfStream.set(streamId, { occurredOn, recordedAt });
    this.drafts.push({ event, streamId, districtCode, occurredOn, recordedAt });
  }

  /**
   * The drafts in recording order, numbered as the store would number them. Ties (and a
   * student's events recorded on one day) keep the order they were generated in.
   */
  private recorded(): RecordedEvent[] {
    const order = this.drafts.map((draft, index) => ({ draft, index }));
    order.sort((a, b) =>
      a.draft.recordedAt < b.draft.recordedAt
        ? -1
        : a.draft.recordedAt > b.draft.recordedAt
          ? 1
          : a.index - b.index,
    );
    const versions = new Map<string, number>();
    // A stream's versions follow its events' dates, as the aggregate saw them.
    return order.map(({ draft }, index) => {
      const position = index + 1;
      const streamVersion = (versions.get(draft.streamId) ?? 0) + 1;
      versions.set(draft.streamId, streamVersion);
      return {
        eventId: eventId(this.options.seed, position),
        type: draft.event.type,
        schemaVersion: draft.event.schemaVersion,
        occurredAt: `${draft.occurredOn}T00:00:00.000Z`,
        districtCode: draft.districtCode,
        data: { ...draft.event.data },
        streamId: draft.streamId,
        streamType: streamTypeOf(draft.streamId),
        streamVersion,
        globalPosition: position,
        transactionId: 1_000 + position,
        recordedAt: draft.recordedAt,
        actor: 'bench',
        actorRole: 'district-clerk',
        actorScope: draft.districtCode ?? '44',
        commandId: null,
        correlationId: null,
      };
    });
  }
}

/** The stream types of the domain, longest first: a stream id is `<type>-<id>`. */
const STREAM_TYPES = [
  FUND_PROGRAMME_STREAM_TYPE,
  LESSON_EXCHANGE_STREAM_TYPE,
  PAIRING_STREAM_TYPE,
  SCHOOL_STREAM_TYPE,
  STUDENT_STREAM_TYPE,
  TEACHER_STREAM_TYPE,
].sort((a, b) => b.length - a.length);

// By prefix, not by the last '-': a city's programme `fund-programme-C4401-2024` is of type
// `fund-programme`, as the api records it.
function streamTypeOf(streamId: string): string {
  const type = STREAM_TYPES.find((candidate) => streamId.startsWith(`${candidate}-`));
  if (type === undefined) throw new RangeError(`no stream type for "${streamId}"`);
  return type;
}

const BUILDING_PURPOSES: readonly AllocationPurpose[] = [
  'construction',
  'equipment',
  'student-aid',
];

/** A student's keyed pseudonym, as the api would store it: hex, never the 学籍号. */
function pseudonym(seed: number, serial: number): string {
  return createHash('sha256').update(`student:${seed}:${serial}`).digest('hex').slice(0, 24);
}

/** A deterministic, random-looking UUID (version 4 layout). */
function eventId(seed: number, position: number): string {
  const hex = createHash('sha256').update(`event:${seed}:${position}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
