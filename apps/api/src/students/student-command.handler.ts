import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { STUDENT_STREAM_TYPE, studentDecider, studentStreamId } from '@junheng/domain';
import type { StudentEvent } from '@junheng/domain';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import type { CommandOutcome } from '../commands/aggregate-command.executor';
import { SchoolDirectory } from '../schools/school-directory';
import { StudentCommandMessage } from './student.command';

/**
 * A student fact is reported by the school it happens at, as it was that day: the school's
 * district is attributed through the hierarchy, and only a caller whose scope holds the school
 * may report it. The domain then checks the student is really there.
 */
@CommandHandler(StudentCommandMessage)
export class StudentCommandHandler implements ICommandHandler<StudentCommandMessage> {
  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly schools: SchoolDirectory,
  ) {}

  async execute({ command, context }: StudentCommandMessage): Promise<CommandOutcome> {
    const districtCode = await this.schools.attributeInScope(
      context.caller,
      command.schoolCode,
      command.date,
      command.districtCode,
    );
    const attributed =
      command.type === 'TransferStudent'
        ? {
            ...command,
            districtCode,
            toDistrictCode: await this.schools.attribute(
              command.toSchoolCode,
              command.date,
              command.toDistrictCode,
            ),
          }
        : { ...command, districtCode };
    return this.executor.execute({
      decider: studentDecider,
      streamId: studentStreamId(command.student),
      streamType: STUDENT_STREAM_TYPE,
      command: attributed,
      envelope: (event: StudentEvent) => ({
        occurredAt: `${event.data.date}T00:00:00.000Z`,
        districtCode: event.data.districtCode,
      }),
      context,
    });
  }
}
