import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import {
  STUDENT_STREAM_TYPE,
  SchoolSystem,
  studentDeciderFor,
  studentStreamId,
} from '@junheng/domain';
import type { StudentCommand } from '@junheng/domain';
import { assertSchoolInScope } from '@junheng/identity';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import type { CommandOutcome } from '../commands/aggregate-command.executor';
import { SchoolDirectory } from '../schools/school-directory';
import { StudentCommandMessage } from './student.command';

/**
 * A student fact is reported by the school it happens at, as it was that day: the school's
 * district is attributed through the hierarchy, and only a caller whose scope holds the school
 * may report it. The domain then checks the student is really there. A transfer changes two
 * registers, so the caller must hold the receiving school too (cross-county transfers are the
 * city's, as both counties' bureaus approve them); so does a return, which counts for the school
 * the child dropped out from. A refusal about a student held elsewhere says only that.
 */
@CommandHandler(StudentCommandMessage)
export class StudentCommandHandler implements ICommandHandler<StudentCommandMessage> {
  private readonly decider: ReturnType<typeof studentDeciderFor>;

  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly schools: SchoolDirectory,
    system: SchoolSystem,
  ) {
    // The province's 学制 decides the level of a grade, its final grade, junior school's first.
    this.decider = studentDeciderFor(system);
  }

  async execute({ command, context }: StudentCommandMessage): Promise<CommandOutcome> {
    const districtCode = await this.schools.attributeInScope(
      context.caller,
      command.schoolCode,
      command.date,
      command.districtCode,
    );
    // What the school (or, for a transfer, the receiving one) teaches: the decider checks the
    // grade against it.
    const level = async (schoolCode: string) =>
      (await this.schools.levelOf(schoolCode)) ?? undefined;
    let attributed: StudentCommand;
    if (command.type === 'TransferStudent') {
      attributed = {
        ...command,
        districtCode,
        // The receiving school's register changes too: its district must be the caller's.
        toDistrictCode: await this.schools.attributeInScope(
          context.caller,
          command.toSchoolCode,
          command.date,
          command.toDistrictCode,
        ),
        toSchoolLevel: await level(command.toSchoolCode),
      };
    } else if (command.type === 'EnrolStudent' || command.type === 'ReturnStudent') {
      attributed = { ...command, districtCode, schoolLevel: await level(command.schoolCode) };
    } else {
      attributed = { ...command, districtCode };
    }
    return this.executor.execute({
      decider: this.decider,
      streamId: studentStreamId(command.student),
      streamType: STUDENT_STREAM_TYPE,
      command: attributed,
      heldBy: (state) =>
        state.status === 'none'
          ? []
          : [{ districtCode: state.districtCode, schoolCode: state.schoolCode }],
      // A return counts for the school the child dropped out from (its return rate, its
      // out-of-school count): whoever records it must hold that school too, like a transfer.
      authorize: (state) => {
        if (
          command.type === 'ReturnStudent' &&
          context.caller !== null &&
          state.status === 'dropped-out' &&
          state.districtCode !== null &&
          state.schoolCode !== null
        ) {
          assertSchoolInScope(context.caller, state.districtCode, state.schoolCode);
        }
      },
      context,
    });
  }
}
