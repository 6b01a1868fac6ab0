import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { join } from 'node:path';
import { AuditResolver } from '../audit/audit.resolver';
import {
  AreaNodeResolver,
  DashboardResolver,
  FigureResolver,
  SchoolNodeResolver,
} from '../dashboard/dashboard.resolver';
import { FundsResolver } from '../funds/funds.resolver';
import { LessonExchangesResolver } from '../lesson-exchanges/lesson-exchanges.resolver';
import { PairingsResolver } from '../pairings/pairings.resolver';
import { SchoolsResolver } from '../schools/schools.resolver';
import { StudentsResolver } from '../students/students.resolver';
import { TeacherRotationsResolver } from '../teacher-rotations/teacher-rotations.resolver';

/** Every resolver of the api; the e2e test proves the running app serves exactly this schema. */
export const RESOLVERS = [
  AuditResolver,
  DashboardResolver,
  AreaNodeResolver,
  SchoolNodeResolver,
  FigureResolver,
  FundsResolver,
  LessonExchangesResolver,
  PairingsResolver,
  SchoolsResolver,
  StudentsResolver,
  TeacherRotationsResolver,
];

/** Where the generated schema is committed, so reviews see its changes. */
export const SCHEMA_FILE = join(__dirname, '..', '..', 'schema.graphql');

export function printGraphqlSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

export async function buildGraphqlSchema(): Promise<string> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  try {
    await app.init();
    const factory = app.get(GraphQLSchemaFactory);
    return printGraphqlSchema(await factory.create(RESOLVERS));
  } finally {
    await app.close();
  }
}
