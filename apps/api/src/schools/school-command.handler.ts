import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import {
  SCHOOL_STREAM_TYPE,
  assertMergeTarget,
  schoolCommandDate,
  schoolDecider,
  schoolOn,
  schoolStreamId,
} from '@junheng/domain';
import type { SchoolCommand, SchoolEvent, SchoolState } from '@junheng/domain';
import { assertDistrictInScope, assertSchoolInScope } from '@junheng/identity';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { SchoolCommandMessage } from './school.command';
import { SchoolDirectory } from './school-directory';

function occurredOn(event: SchoolEvent): string {
  switch (event.type) {
    case 'SchoolRegistered':
      return event.data.registeredOn;
    case 'SchoolConditionsReported':
    case 'SchoolStaffingReported':
      return `${event.data.schoolYear}-09-01`;
    case 'SchoolReclassified':
    case 'SchoolMovedDistrict':
    case 'SchoolMerged':
    case 'SchoolClosed':
      return event.data.effectiveOn;
  }
}

/**
 * Who may change a school: whoever's scope holds it on the change's date (and, for a move,
 * also the district it moves to). Registration needs the district it is registered in.
 */
function authorize(command: SchoolCommand, context: CommandContext, state: SchoolState): void {
  const caller = context.caller;
  if (caller === null) return;
  if (command.type === 'RegisterSchool') {
    assertDistrictInScope(caller, command.districtCode);
    return;
  }
  const on = schoolOn(state, schoolCommandDate(command));
  if (on === null) return; // the domain answers: unknown, or before registration
  assertSchoolInScope(caller, on.districtCode, command.schoolCode);
  if (command.type === 'MoveSchoolToDistrict')
    assertDistrictInScope(caller, command.toDistrictCode);
}

@CommandHandler(SchoolCommandMessage)
export class SchoolCommandHandler implements ICommandHandler<SchoolCommandMessage> {
  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly directory: SchoolDirectory,
  ) {}

  async execute({ command, context }: SchoolCommandMessage): Promise<CommandOutcome> {
    // Read before the decision, checked after authorization so a caller out of scope learns
    // nothing about other schools.
    const mergeTarget =
      command.type === 'MergeSchool' ? await this.directory.state(command.intoSchoolCode) : null;
    let districtOfEvent = command.type === 'RegisterSchool' ? command.districtCode : null;
    return this.executor.execute({
      decider: schoolDecider,
      streamId: schoolStreamId(command.schoolCode),
      streamType: SCHOOL_STREAM_TYPE,
      command,
      authorize: (state) => {
        authorize(command, context, state);
        if (
          command.type === 'MergeSchool' &&
          mergeTarget !== null &&
          state.status !== 'unregistered'
        )
          assertMergeTarget(mergeTarget, command);
        if (command.type !== 'RegisterSchool')
          districtOfEvent = schoolOn(state, schoolCommandDate(command))?.districtCode ?? null;
      },
      envelope: (event) => ({
        occurredAt: `${occurredOn(event)}T00:00:00.000Z`,
        districtCode:
          event.type === 'SchoolMovedDistrict' ? event.data.fromDistrictCode : districtOfEvent,
      }),
      context,
    });
  }
}
