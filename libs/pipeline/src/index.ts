export * from './pipeline.module';
export * from './projector/projector.service';
export * from './relay/relay.service';
