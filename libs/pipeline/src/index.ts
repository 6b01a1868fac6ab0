export * from './pipeline.module';
export * from './projector/projector.service';
export * from './relay/relay.service';
export * from './pipeline-metrics';
export * from './rebuild/projection-rebuild';
