import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AnalyticsModule } from '@junheng/analytics';
import { EventStoreModule } from '@junheng/event-store';
import { PipelineModule } from '@junheng/pipeline';
import {
  CLOCK,
  ConfigModule,
  HealthModule,
  MetricsModule,
  loggingModule,
  systemClock,
} from '@junheng/platform';
import type { JunhengConfig } from '@junheng/platform';
import { CommandsModule } from './commands/commands.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DemoDataLoader } from './demo/demo-data.loader';
import { graphqlApiModule } from './graphql/graphql-api.module';
import { FundsModule } from './funds/funds.module';
import { ImportsModule } from './imports/imports.module';
import { LessonExchangesModule } from './lesson-exchanges/lesson-exchanges.module';
import { PairingsModule } from './pairings/pairings.module';
import { ProblemDetailsFilter } from './problem-details/problem-details.filter';
import { SchoolsModule } from './schools/schools.module';
import { SecurityModule } from './security/security.module';
import { StudentsModule } from './students/students.module';
import { TeacherRotationsModule } from './teacher-rotations/teacher-rotations.module';

export interface ApiModuleOptions {
  /** Run the relay and projector in this process (required wherever chDB is the engine). */
  readonly withPipeline: boolean;
}

/** Whether this configuration must run the pipeline inside the api process. */
export function pipelineRunsInProcess(config: JunhengConfig): boolean {
  // chDB binds its data directory to one process: whoever queries it must also project into it.
  return config.clickhouseUrl === undefined;
}

@Module({})
export class ApiModule {
  static forRoot(config: JunhengConfig, options: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        loggingModule(config),
        HealthModule,
        MetricsModule,
        EventStoreModule.forRoot(),
        AnalyticsModule.forRoot(),
        CqrsModule.forRoot(),
        {
          module: ClockModule,
          global: true,
          providers: [{ provide: CLOCK, useValue: systemClock }],
          exports: [CLOCK],
        },
        graphqlApiModule(),
        SecurityModule.forRoot(config),
        CommandsModule,
        SchoolsModule,
        PairingsModule,
        LessonExchangesModule,
        TeacherRotationsModule,
        FundsModule,
        StudentsModule,
        ImportsModule,
        DashboardModule,
        ...(options.withPipeline ? [PipelineModule.forRoot(config)] : []),
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }, DemoDataLoader],
    };
  }
}

@Module({})
class ClockModule {}
