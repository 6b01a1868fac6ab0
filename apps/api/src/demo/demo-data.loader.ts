import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { PinoLogger } from 'nestjs-pino';
import { EVENT_STORE, START_OF_LOG } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';
import { JUNHENG_CONFIG } from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import type { IdentitySecrets } from '@junheng/identity';
import type { CommandContext } from '../commands/aggregate-command.executor';
import { systemCommandContext } from '../commands/system-command-context';
import { FundProgrammeCommandMessage } from '../funds/fund-programme.command';
import { RecordLessonExchangeMessage } from '../lesson-exchanges/record-lesson-exchange.command';
import { SchoolCommandMessage } from '../schools/school.command';
import { IDENTITY_SECRETS } from '../security/security.tokens';
import { StudentCommandMessage } from '../students/student.command';
import {
  DEMO_ALLOCATIONS,
  DEMO_COHORTS,
  DEMO_LESSON_EXCHANGES,
  DEMO_PROGRAMME,
  DEMO_SCHOOLS,
  DEMO_STUDENT_NUMBERS,
  GUANGMING_SCHOOLS,
} from './demo-data';

/**
 * Fills an empty event store with the demo dataset (schools, lesson exchanges, the seed-004
 * fund programme, a dropout and return), through the same commands a clerk sends. Idempotency
 * keys make a half-finished load safe to repeat.
 */
@Injectable()
export class DemoDataLoader implements OnApplicationBootstrap {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(JUNHENG_CONFIG) private readonly config: JunhengConfig,
    private readonly commandBus: CommandBus,
    @Inject(IDENTITY_SECRETS) private readonly secrets: IdentitySecrets,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(DemoDataLoader.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demoData) return;
    const existing = await this.store.readAll({ after: START_OF_LOG, limit: 1 });
    if (existing.length > 0) return;
    // Each demo command has its own key, so the key alone says what the command is.
    const as = (key: string): CommandContext =>
      systemCommandContext({
        actor: 'demo-data',
        key: `demo:${key}`,
        command: { demo: key },
        correlationId: 'demo-data',
      });
    for (const school of DEMO_SCHOOLS) {
      await this.commandBus.execute(
        new SchoolCommandMessage(
          { type: 'RegisterSchool', ...school },
          as(`school:${school.schoolCode}`),
        ),
      );
    }
    for (const { key, ...exchange } of DEMO_LESSON_EXCHANGES) {
      await this.commandBus.execute(new RecordLessonExchangeMessage(exchange, as(key)));
    }
    await this.commandBus.execute(
      new FundProgrammeCommandMessage(
        { type: 'BudgetProgramme', ...DEMO_PROGRAMME },
        as('programme'),
      ),
    );
    for (const allocation of DEMO_ALLOCATIONS) {
      await this.commandBus.execute(
        new FundProgrammeCommandMessage(
          { type: 'AllocateFunds', ...allocation },
          as(allocation.allocationId),
        ),
      );
    }
    // Identifiers are pseudonymised here exactly as the API edge does.
    const { pseudonymizer } = this.secrets;
    const [leaver, ...others] = DEMO_STUDENT_NUMBERS.map((number) =>
      pseudonymizer.pseudonymize('student', number),
    );
    const junior = { schoolCode: GUANGMING_SCHOOLS[1]!, districtCode: '440311' };
    for (const [index, student] of [leaver!, ...others].entries()) {
      await this.commandBus.execute(
        new StudentCommandMessage(
          {
            type: 'EnrolStudent',
            student,
            ...junior,
            date: '2024-09-01',
            grade: 7,
            entry: 'new-entrant',
          },
          as(`enrol:${index}`),
        ),
      );
    }
    await this.commandBus.execute(
      new StudentCommandMessage(
        { type: 'DropOutStudent', student: leaver!, ...junior, date: '2025-03-10', reason: 'work' },
        as('dropout'),
      ),
    );
    await this.commandBus.execute(
      new StudentCommandMessage(
        {
          type: 'ReturnStudent',
          student: leaver!,
          ...junior,
          date: '2025-09-01',
          grade: 7,
          means: 'persuasion',
        },
        as('return'),
      ),
    );
    // The classes of 2019 and 2022, from entry to graduation six and three years on.
    for (const { key, studentNumber, command } of DEMO_COHORTS) {
      await this.commandBus.execute(
        new StudentCommandMessage(
          {
            ...command,
            student: pseudonymizer.pseudonymize('student', studentNumber),
          },
          as(key),
        ),
      );
    }
    this.logger.info(
      {
        schools: DEMO_SCHOOLS.length,
        lessonExchanges: DEMO_LESSON_EXCHANGES.length,
        allocations: DEMO_ALLOCATIONS.length,
      },
      'demo data loaded',
    );
  }
}
