import { IsIn, IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { LESSON_EXCHANGE_KINDS } from '@junheng/domain';
import type { LessonExchangeKind } from '@junheng/domain';

/** POST /v1/lesson-exchanges */
export class RecordLessonExchangeDto {
  /** The county (区县) reporting the exchange; from issue 4 on, derived from the host school. */
  @Matches(/^[1-9]\d{5}$/, { message: 'districtCode must be a 6-digit county code' })
  districtCode!: string;

  @Matches(/^\d{10}$/, { message: 'hostSchoolCode must be a 10-digit school code' })
  hostSchoolCode!: string;

  @Matches(/^\d{10}$/, { message: 'visitingSchoolCode must be a 10-digit school code' })
  visitingSchoolCode!: string;

  @IsIn(LESSON_EXCHANGE_KINDS, {
    message: `kind must be one of ${LESSON_EXCHANGE_KINDS.join(', ')}`,
  })
  kind!: LessonExchangeKind;

  @IsString()
  @Length(1, 50)
  subject!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' })
  date!: string;

  @IsInt()
  @Min(0)
  @Max(100_000)
  attendees!: number;
}
