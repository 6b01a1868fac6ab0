import 'reflect-metadata';
import { runService } from '@junheng/platform';
import { ProjectorModule } from './projector.module';

runService({
  name: 'Projector',
  refuse: (config) =>
    config.clickhouseUrl === undefined || config.databaseUrl === undefined
      ? [
          'The projector runs as its own process only against servers: set DATABASE_URL and CLICKHOUSE_URL (embedded mode runs it inside `npm start`).',
        ]
      : [],
  module: (config) => ProjectorModule.forRoot(config),
});
