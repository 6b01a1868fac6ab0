import { DomainRuleViolation } from '../shared/domain-rule-violation';

export type StudentLevel = 'primary' | 'junior';

/**
 * How a province splits the nine compulsory years (学制): 六三制 (six primary years and three
 * junior, most provinces) or 五四制 (five and four, e.g. Shanghai and parts of Shandong and
 * Heilongjiang). The final grade of each level, the level of each grade, the first grade of a
 * junior school and the length of a cohort all follow from it.
 */
export class SchoolStages {
  static readonly SIX_THREE = new SchoolStages(6);
  static readonly FIVE_FOUR = new SchoolStages(5);

  private constructor(
    /** Years of primary school: 6 or 5; junior school takes the rest of the nine. */
    readonly primaryYears: 5 | 6,
  ) {}

  /** `6+3` or `5+4`. */
  static parse(text: string): SchoolStages {
    const stages = ({ '6+3': SchoolStages.SIX_THREE, '5+4': SchoolStages.FIVE_FOUR } as const)[
      text.trim() as '6+3' | '5+4'
    ];
    if (stages === undefined) throw new Error(`"${text}" is not a school system (6+3 or 5+4)`);
    return stages;
  }

  get name(): '6+3' | '5+4' {
    return this.primaryYears === 6 ? '6+3' : '5+4';
  }

  levelOfGrade(grade: number): StudentLevel {
    return grade <= this.primaryYears ? 'primary' : 'junior';
  }

  firstGrade(level: StudentLevel): number {
    return level === 'primary' ? 1 : this.primaryYears + 1;
  }

  finalGrade(level: StudentLevel): number {
    return level === 'primary' ? this.primaryYears : 9;
  }

  /** School years from entering the level's first grade to graduating from its last. */
  yearsOf(level: StudentLevel): number {
    return this.finalGrade(level) - this.firstGrade(level) + 1;
  }
}

/**
 * The school system of every province: one default, and the provinces that differ (keyed by the
 * two-digit province code that opens every district code).
 */
export class SchoolSystem {
  constructor(
    readonly defaultStages: SchoolStages = SchoolStages.SIX_THREE,
    readonly byProvince: Readonly<Record<string, SchoolStages>> = {},
  ) {}

  /** `5+4`, or `6+3,31:5+4,37:5+4`: a default, then provinces that differ. */
  static parse(text: string): SchoolSystem {
    let defaultStages = SchoolStages.SIX_THREE;
    const byProvince: Record<string, SchoolStages> = {};
    for (const part of text.split(',').map((piece) => piece.trim())) {
      if (part === '') continue;
      const [province, stages] = part.includes(':') ? part.split(':') : [undefined, part];
      if (province === undefined) defaultStages = SchoolStages.parse(stages);
      else if (/^[1-9]\d$/.test(province.trim())) {
        byProvince[province.trim()] = SchoolStages.parse(stages);
      } else throw new Error(`"${province}" is not a two-digit province code`);
    }
    return new SchoolSystem(defaultStages, byProvince);
  }

  /** The stages of the province a district (or a school's district) lies in. */
  of(districtCode: string): SchoolStages {
    return this.byProvince[districtCode.slice(0, 2)] ?? this.defaultStages;
  }

  describe(): string {
    return [
      this.defaultStages.name,
      ...Object.entries(this.byProvince).map(([province, stages]) => `${province}:${stages.name}`),
    ].join(',');
  }
}

export const DEFAULT_SCHOOL_SYSTEM = new SchoolSystem();

/** Grades 1 to 9: compulsory education, whatever the split. */
export function requireCompulsoryGrade(grade: number): void {
  if (!Number.isInteger(grade) || grade < 1 || grade > 9) {
    throw new DomainRuleViolation(
      'student.invalid-grade',
      'Compulsory education has grades 1 to 9',
      {
        grade,
      },
    );
  }
}
