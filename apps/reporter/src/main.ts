import 'reflect-metadata';
import { runService } from '@junheng/platform';
import { ReporterModule } from './reporter.module';

runService({
  name: 'Reporter',
  refuse: (config) =>
    config.clickhouseUrl === undefined
      ? [
          'The reporter runs as its own process only against a ClickHouse server: set CLICKHOUSE_URL.',
        ]
      : [],
  module: (config) => ReporterModule.forRoot(config),
});
