import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { TEACHER_STREAM_TYPE, teacherRotationDecider, teacherStreamId } from '@junheng/domain';
import type { TeacherRotationState } from '@junheng/domain';
import { assertSchoolInScope } from '@junheng/identity';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import { CommandKeys } from '../commands/command-keys';
import type { OrgUnitRef } from '../commands/refusal-redaction';
import { SchoolDirectory } from '../schools/school-directory';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import {
  EndTeacherRotationMessage,
  StartTeacherRotationMessage,
} from './teacher-rotation.commands';

const ROTATION_ID_NAMESPACE = '0d4b7a3e-9b7c-4f65-a1f1-5a3c2e8d7b90';

/** Who holds a teacher's active rotation: the home school and the school it sends them to. */
function rotationHolders(state: TeacherRotationState): OrgUnitRef[] {
  const { active } = state;
  if (active === null) return [];
  return [
    { districtCode: active.fromDistrictCode, schoolCode: active.fromSchoolCode },
    { districtCode: active.toDistrictCode, schoolCode: active.toSchoolCode },
  ];
}

/** The rotation is a fact about the teacher's home school: its county or school reports it. */
function authorizeHomeSchool(
  context: CommandContext,
  districtCode: string,
  schoolCode: string,
): void {
  if (context.caller !== null) assertSchoolInScope(context.caller, districtCode, schoolCode);
}

@CommandHandler(StartTeacherRotationMessage)
export class StartTeacherRotationHandler implements ICommandHandler<StartTeacherRotationMessage> {
  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly schools: SchoolDirectory,
    private readonly keys: CommandKeys,
  ) {}

  async execute({
    command: request,
    context,
  }: StartTeacherRotationMessage): Promise<CommandOutcome> {
    // Both schools as they were on the start date, and both the caller's: the home school
    // reports the rotation, and the receiving school's figures count the teacher it receives.
    await this.schools.attributeInScope(
      context.caller,
      request.fromSchoolCode,
      request.startDate,
      request.fromDistrictCode,
    );
    await this.schools.attributeInScope(
      context.caller,
      request.toSchoolCode,
      request.startDate,
      request.toDistrictCode,
    );
    const rotationId = this.keys.derivedId(ROTATION_ID_NAMESPACE, context);
    return this.executor.execute({
      decider: teacherRotationDecider,
      streamId: teacherStreamId(request.teacher),
      streamType: TEACHER_STREAM_TYPE,
      command: { type: 'StartTeacherRotation', rotationId, ...request },
      heldBy: rotationHolders,
      context,
    });
  }
}

@CommandHandler(EndTeacherRotationMessage)
export class EndTeacherRotationHandler implements ICommandHandler<EndTeacherRotationMessage> {
  constructor(private readonly executor: AggregateCommandExecutor) {}

  execute({ command: request, context }: EndTeacherRotationMessage): Promise<CommandOutcome> {
    return this.executor.execute({
      decider: teacherRotationDecider,
      streamId: teacherStreamId(request.teacher),
      streamType: TEACHER_STREAM_TYPE,
      command: { type: 'EndTeacherRotation', ...request },
      heldBy: rotationHolders,
      // Only who may report for the home school may end the rotation; with none active the
      // domain answers (teacher-rotation.not-active).
      authorize: (state: TeacherRotationState) => {
        if (state.active !== null) {
          authorizeHomeSchool(context, state.active.fromDistrictCode, state.active.fromSchoolCode);
        }
      },
      context,
    });
  }
}
