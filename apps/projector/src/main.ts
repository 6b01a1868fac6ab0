import 'reflect-metadata';
import { runService } from '@junheng/platform';
import { ProjectorModule } from './projector.module';

runService({
  name: 'Projector',
  // chDB is allowed when this process owns its data directory alone (the crash tests do so);
  // production points CLICKHOUSE_URL at a server (infra/docker-compose.yml).
  refuse: (config) =>
    config.databaseUrl === undefined || config.kafkaBrokers.length === 0
      ? [
          'The projector runs as its own process only against servers: set DATABASE_URL and KAFKA_BROKERS (embedded mode runs it inside `npm start`).',
        ]
      : [],
  module: (config) => ProjectorModule.forRoot(config),
});
