import { randomUUID } from 'node:crypto';
import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { TEACHER_STREAM_TYPE, teacherRotationDecider, teacherStreamId } from '@junheng/domain';
import type { TeacherRotationEvent, TeacherRotationState } from '@junheng/domain';
import { uuidV5 } from '@junheng/event-store';
import { assertSchoolInScope } from '@junheng/identity';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import { SchoolDirectory } from '../schools/school-directory';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import {
  EndTeacherRotationCommand,
  StartTeacherRotationCommand,
} from './teacher-rotation.commands';

const ROTATION_ID_NAMESPACE = '0d4b7a3e-9b7c-4f65-a1f1-5a3c2e8d7b90';

function envelopeOf(event: TeacherRotationEvent): { occurredAt: string; districtCode: string } {
  const date = event.type === 'TeacherRotationStarted' ? event.data.startDate : event.data.endDate;
  return { occurredAt: `${date}T00:00:00.000Z`, districtCode: event.data.fromDistrictCode };
}

/** The rotation is a fact about the teacher's home school: its county or school reports it. */
function authorizeHomeSchool(
  context: CommandContext,
  districtCode: string,
  schoolCode: string,
): void {
  if (context.caller !== null) assertSchoolInScope(context.caller, districtCode, schoolCode);
}

@CommandHandler(StartTeacherRotationCommand)
export class StartTeacherRotationHandler implements ICommandHandler<StartTeacherRotationCommand> {
  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly schools: SchoolDirectory,
  ) {}

  async execute({ payload, context }: StartTeacherRotationCommand): Promise<CommandOutcome> {
    // Both schools as they were on the start date; the home school decides who may report it.
    await this.schools.attributeInScope(
      context.caller,
      payload.fromSchoolCode,
      payload.startDate,
      payload.fromDistrictCode,
    );
    await this.schools.attribute(payload.toSchoolCode, payload.startDate, payload.toDistrictCode);
    const rotationId =
      context.idempotencyKey === undefined
        ? randomUUID()
        : uuidV5(ROTATION_ID_NAMESPACE, context.idempotencyKey);
    return this.executor.execute({
      decider: teacherRotationDecider,
      streamId: teacherStreamId(payload.teacher),
      streamType: TEACHER_STREAM_TYPE,
      command: { type: 'StartTeacherRotation', rotationId, ...payload },
      envelope: envelopeOf,
      context,
    });
  }
}

@CommandHandler(EndTeacherRotationCommand)
export class EndTeacherRotationHandler implements ICommandHandler<EndTeacherRotationCommand> {
  constructor(private readonly executor: AggregateCommandExecutor) {}

  execute({ payload, context }: EndTeacherRotationCommand): Promise<CommandOutcome> {
    return this.executor.execute({
      decider: teacherRotationDecider,
      streamId: teacherStreamId(payload.teacher),
      streamType: TEACHER_STREAM_TYPE,
      command: { type: 'EndTeacherRotation', ...payload },
      envelope: envelopeOf,
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
