export * from './funds.commands';
export * from './funds.decider';
export * from './funds.events';
export * from './funds.types';
