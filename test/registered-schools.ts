import type { INestApplication } from '@nestjs/common';
import { systemCommandContext } from '../apps/api/src/commands/system-command-context';
import { CommandBus } from '@nestjs/cqrs';
import type { SchoolLevel, UrbanRuralCode } from '@junheng/domain';
import { TEST_SCHOOLS } from './fixture-schools';
import { SchoolDirectory } from '../apps/api/src/schools/school-directory';
import { SchoolCommandMessage } from '../apps/api/src/schools/school.command';

export interface TestSchool {
  readonly schoolCode: string;
  readonly districtCode: string;
  readonly urbanRuralCode?: UrbanRuralCode;
  readonly level?: SchoolLevel;
  readonly registeredOn?: string;
}

/**
 * Registers the schools a test reports about, as Junheng itself, unless they already are (a
 * test may register them twice): every fact must name a registered school.
 */
export async function registerSchools(
  app: INestApplication,
  schools: readonly TestSchool[] = TEST_SCHOOLS,
): Promise<void> {
  const directory = app.get(SchoolDirectory);
  const commandBus = app.get(CommandBus);
  for (const school of schools) {
    if ((await directory.state(school.schoolCode)).status === 'registered') continue;
    await commandBus.execute(
      new SchoolCommandMessage(
        {
          type: 'RegisterSchool',
          schoolCode: school.schoolCode,
          name: '测试学校',
          districtCode: school.districtCode,
          urbanRuralCode: school.urbanRuralCode ?? '220',
          level: school.level ?? 'nine-year',
          weak: false,
          registeredOn: school.registeredOn ?? '2000-09-01',
        },
        systemCommandContext({
          actor: 'test',
          key: `test-school:${school.schoolCode}`,
          command: { key: `test-school:${school.schoolCode}` },
        }),
      ),
    );
  }
}
