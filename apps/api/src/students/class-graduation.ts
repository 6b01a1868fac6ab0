import { Inject, Injectable } from '@nestjs/common';
import { CommandBus, CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, Matches } from 'class-validator';
import {
  DomainRuleViolation,
  STUDENT_STREAM_TYPE,
  SchoolSystem,
  foldStream,
  requireLevelTaught,
  requireReportableDate,
  standingInFinalGrade,
  studentDecider,
  studentOfStreamId,
} from '@junheng/domain';
import type { Clock, StudentLevel } from '@junheng/domain';
import { CLOCK } from '@junheng/platform';
import { EVENT_STORE, EventStoreException } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { CommandKeys } from '../commands/command-keys';
import { CommandMessage } from '../commands/command-message';
import { IsRecordDate } from '../security/instant';
import { PersonalIdentifier } from '../security/personal-identifier';
import { SchoolDirectory } from '../schools/school-directory';
import { StudentCommandMessage } from './student.command';
import { STUDENT_NUMBER } from './student.dto';

const LEVELS = ['primary', 'junior'] as const;
/** A class is a few hundred students; the exceptions are a handful of them. */
const MAX_EXCEPTIONS = 2_000;

@InputType('GraduateClassInput')
export class GraduateClassDto {
  @Field({ description: 'the school graduating its final grade' })
  @Matches(/^\d{10}$/, { message: 'schoolCode must be a 10-digit school code' })
  schoolCode!: string;

  @Field()
  @Matches(/^[1-9]\d{5}$/, { message: 'districtCode must be a 6-digit county code' })
  districtCode!: string;

  @Field({ description: 'YYYY-MM-DD, the day of graduation (usually early July)' })
  @IsRecordDate()
  date!: string;

  @Field(() => String, { description: 'primary | junior: the level whose final grade graduates' })
  @IsIn(LEVELS, { message: 'level must be primary or junior' })
  level!: StudentLevel;

  @Field(() => [String], {
    description:
      '学籍号 of the students of the final grade who do not graduate (kept as pseudonyms)',
  })
  @IsArray()
  @ArrayMaxSize(MAX_EXCEPTIONS)
  @Matches(STUDENT_NUMBER, {
    each: true,
    message: 'except must hold 学籍号 (G + 18-character ID number)',
  })
  @PersonalIdentifier('student')
  except!: string[];
}

/** What graduating a class recorded: counts only, never who (the answer holds no 学籍号). */
@ApiSchema({ name: 'ClassGraduationOutcome' })
@ObjectType('ClassGraduationOutcome')
export class ClassGraduationOutcome {
  @Field(() => Int, { description: 'students of the final grade on the register that day' })
  @ApiProperty({ type: 'integer' })
  finalGrade!: number;

  @Field(() => Int, { description: 'graduations recorded now' })
  @ApiProperty({ type: 'integer' })
  graduated!: number;

  @Field(() => Int, { description: 'graduations an earlier identical request had recorded' })
  @ApiProperty({ type: 'integer' })
  alreadyGraduated!: number;

  @Field(() => Int, { description: 'students of the final grade named in except' })
  @ApiProperty({ type: 'integer' })
  excepted!: number;

  @Field(() => Int, {
    description: 'students the rules refused (a later fact recorded about them): not graduated',
  })
  @ApiProperty({ type: 'integer' })
  refused!: number;

  @Field(() => Int, { description: 'entries of except that name no student of the final grade' })
  @ApiProperty({ type: 'integer' })
  exceptNotInClass!: number;

  @Field(() => [String])
  @ApiProperty({ type: [String], format: 'uuid' })
  eventIds!: string[];

  @Field(() => Float, { nullable: true, description: 'position of the last event in the log' })
  @ApiProperty({ type: 'integer', nullable: true })
  globalPosition!: number | null;

  @Field({
    description: 'true when this answers again a request sent before with its Idempotency-Key',
  })
  @ApiProperty()
  replayed!: boolean;
}

export interface GraduateClass {
  readonly schoolCode: string;
  readonly districtCode: string;
  readonly date: string;
  readonly level: StudentLevel;
  /** Pseudonyms (EdgePipe). */
  readonly except: readonly string[];
}

export class GraduateClassMessage extends CommandMessage<GraduateClass, ClassGraduationOutcome> {}

/**
 * 毕业: a school's final grade graduates at the year's end in one command. The students are the
 * ones on the school's register that day in the level's final grade — as the register stood on
 * the day, so a student who left or came after it is judged by the rules (`refused` when a later
 * fact is recorded) rather than silently left out or added — less the exceptions. Each
 * graduation is the per-student command, decided on the student's own stream, with a key of its
 * own: without an `Idempotency-Key`, derived from the school, the day and the student, so sending
 * the class again records nothing twice (`alreadyGraduated`); with one, derived from it and
 * bound to the whole request, so a retry answers as the first send did (`replayed`) and the same
 * key with another request is refused before anything is recorded.
 */
@Injectable()
@CommandHandler(GraduateClassMessage)
export class GraduateClassHandler implements ICommandHandler<GraduateClassMessage> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly schools: SchoolDirectory,
    private readonly system: SchoolSystem,
    private readonly commandBus: CommandBus,
    private readonly keys: CommandKeys,
  ) {}

  async execute({ command, context }: GraduateClassMessage): Promise<ClassGraduationOutcome> {
    // A day that has not come is the request's fault, not every student's.
    requireReportableDate(command.date, this.clock);
    const districtCode = await this.schools.attributeInScope(
      context.caller,
      command.schoolCode,
      command.date,
      command.districtCode,
    );
    const schoolLevel = await this.schools.levelOf(command.schoolCode);
    if (schoolLevel !== null) requireLevelTaught(command.level, schoolLevel);
    const stages = this.system.of(districtCode);
    const except = new Set(command.except);
    const streams = await this.store.streamsNaming(
      STUDENT_STREAM_TYPE,
      ['schoolCode', 'toSchoolCode'],
      command.schoolCode,
    );
    // The class as the register stood at the end of the day: each stream's facts up to it.
    const inClass: { student: string; standing: 'to-graduate' | 'graduated' }[] = [];
    for (const streamId of streams) {
      const history = await this.store.readStream(streamId);
      const untilTheDay = history.filter((event) => event.occurredAt.slice(0, 10) <= command.date);
      const state = foldStream(studentDecider.evolve, studentDecider.initialState, untilTheDay);
      const standing = standingInFinalGrade(state, command, stages);
      if (standing !== null) inClass.push({ student: studentOfStreamId(streamId), standing });
    }
    const keyed = context.idempotency !== undefined;
    const contextFor = (student: string): CommandContext => ({
      ...context,
      idempotency:
        context.idempotency === undefined
          ? {
              key: `graduate-class:${command.schoolCode}:${command.date}:${student}`,
              action: 'graduate class',
              body: { schoolCode: command.schoolCode, date: command.date, student },
            }
          : {
              key: `graduate-class:${context.idempotency.key}:${student}`,
              action: context.idempotency.action,
              body: { request: context.idempotency.body, student },
            },
    });
    if (keyed) await this.refuseReusedKey(inClass, contextFor);

    const outcome = {
      finalGrade: inClass.length,
      graduated: 0,
      alreadyGraduated: 0,
      excepted: 0,
      refused: 0,
      exceptNotInClass: 0,
      eventIds: [] as string[],
      globalPosition: null as number | null,
      replayed: false,
    };
    const seen = new Set<string>();
    for (const { student, standing } of inClass) {
      seen.add(student);
      // Graduated that same day already: still the class's, recorded once — unless it was this
      // very request under its key, whose retry answers as the first send did (below).
      if (standing === 'graduated' && !keyed) {
        outcome.alreadyGraduated += 1;
        continue;
      }
      if (standing === 'to-graduate' && except.has(student)) {
        outcome.excepted += 1;
        continue;
      }
      let recorded: CommandOutcome;
      try {
        recorded = await this.commandBus.execute(
          new StudentCommandMessage(
            {
              type: 'GraduateStudent',
              student,
              schoolCode: command.schoolCode,
              districtCode,
              date: command.date,
            },
            contextFor(student),
          ),
        );
      } catch (error) {
        // A student the rules refuse (a fact recorded after the day): the others still graduate.
        if (!(error instanceof DomainRuleViolation)) throw error;
        if (standing === 'graduated') outcome.alreadyGraduated += 1;
        else outcome.refused += 1;
        continue;
      }
      if (recorded.replayed && !keyed) outcome.alreadyGraduated += 1;
      else outcome.graduated += 1;
      if (recorded.replayed && keyed) outcome.replayed = true;
      outcome.eventIds.push(...recorded.eventIds);
      if (recorded.globalPosition !== null) {
        outcome.globalPosition = Math.max(outcome.globalPosition ?? 0, recorded.globalPosition);
      }
    }
    outcome.exceptNotInClass = [...except].filter((student) => !seen.has(student)).length;
    return outcome;
  }

  /**
   * The same `Idempotency-Key` with another request (another exception list, school or day) is
   * refused before any student is graduated: a student this key graduated before was graduated
   * for another request.
   */
  private async refuseReusedKey(
    inClass: readonly { student: string }[],
    contextFor: (student: string) => CommandContext,
  ): Promise<void> {
    for (const { student } of inClass) {
      const key = this.keys.of(contextFor(student));
      const earlier = await this.store.findIdempotentAppend(key.key);
      if (
        earlier !== null &&
        earlier.requestFingerprint !== null &&
        earlier.requestFingerprint !== key.fingerprint
      ) {
        throw EventStoreException.idempotencyKeyReused();
      }
    }
  }
}
