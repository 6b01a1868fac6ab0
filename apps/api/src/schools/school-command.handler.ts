import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import {
  SCHOOL_STREAM_TYPE,
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
 * also the district it moves to). Registration needs the district it is registered in. A merge
 * hands the merged school's history to the school it merges into, so that school's figures
 * change too: the caller must hold it on the merge date as well (a merge across districts is
 * the city's) — refused before the decider says anything about it.
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
  if (command.type === 'MergeSchool') {
    const into = schoolOn(command.intoSchool, command.effectiveOn);
    if (into === null) return; // the domain answers: unknown, or not yet registered
    if (!scopeCoversSchool(caller.scope, into.districtCode, command.intoSchoolCode)) {
      throw new ScopeViolation(`School ${command.intoSchoolCode} is outside your scope`, {
        scope: formatOrgScope(caller.scope),
        intoSchoolCode: command.intoSchoolCode,
      });
    }
  }
}

@CommandHandler(SchoolCommandMessage)
export class SchoolCommandHandler implements ICommandHandler<SchoolCommandMessage> {
  constructor(
    private readonly executor: AggregateCommandExecutor,
    private readonly directory: SchoolDirectory,
  ) {}

  async execute({ command: request, context }: SchoolCommandMessage): Promise<CommandOutcome> {
    // The school merged into is read before the decision; a caller out of scope is refused
    // (authorize) before the decider judges it, so they learn nothing about other schools.
    const command: SchoolCommand =
      request.type === 'MergeSchool'
        ? { ...request, intoSchool: await this.directory.state(request.intoSchoolCode) }
        : request;
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
      authorize: (state) => authorize(command, context, state),
      context,
    });
  }
}
