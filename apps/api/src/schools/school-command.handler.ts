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
import type { SchoolCommand, SchoolState } from '@junheng/domain';
import {
  ScopeViolation,
  assertDistrictInScope,
  assertSchoolInScope,
  formatOrgScope,
  scopeCoversSchool,
} from '@junheng/identity';
import { AggregateCommandExecutor } from '../commands/aggregate-command.executor';
import type { CommandContext, CommandOutcome } from '../commands/aggregate-command.executor';
import { SchoolCommandMessage } from './school.command';
import { SchoolDirectory, districtsHolding } from './school-directory';

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

/**
 * A merge hands the merged school's history to the school it merges into, so that school's
 * figures change too: the caller must hold it on the merge date (a merge across districts is
 * the city's). Refused before anything about the target is said.
 */
function authorizeMergeTarget(
  command: Extract<SchoolCommand, { type: 'MergeSchool' }>,
  context: CommandContext,
  target: SchoolState,
): void {
  const caller = context.caller;
  if (caller === null) return;
  const on = schoolOn(target, command.effectiveOn);
  if (on === null) return; // the domain answers: unknown, or not yet registered
  if (!scopeCoversSchool(caller.scope, on.districtCode, command.intoSchoolCode)) {
    throw new ScopeViolation(`School ${command.intoSchoolCode} is outside your scope`, {
      scope: formatOrgScope(caller.scope),
      intoSchoolCode: command.intoSchoolCode,
    });
  }
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
    return this.executor.execute({
      decider: schoolDecider,
      streamId: schoolStreamId(command.schoolCode),
      streamType: SCHOOL_STREAM_TYPE,
      command,
      heldBy: (state) =>
        districtsHolding(state).map((districtCode) => ({
          districtCode,
          schoolCode: command.schoolCode,
        })),
      authorize: (state) => {
        authorize(command, context, state);
        if (
          command.type === 'MergeSchool' &&
          mergeTarget !== null &&
          state.status !== 'unregistered'
        ) {
          authorizeMergeTarget(command, context, mergeTarget);
          assertMergeTarget(mergeTarget, command);
        }
      },
      context,
    });
  }
}
