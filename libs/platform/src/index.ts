export * from './clock.provider';
export * from './config/config.module';
export * from './config/junheng-config';
export * from './health/health.module';
export * from './health/health.registry';
export * from './logging/logging.module';
export * from './polling/poll-loop';
export * from './bootstrap/run-service';
