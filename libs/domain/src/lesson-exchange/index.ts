export * from './lesson-exchange-kind';
export * from './lesson-exchange.commands';
export * from './lesson-exchange.decider';
export * from './lesson-exchange.events';
