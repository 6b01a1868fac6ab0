export * from './school.commands';
export * from './school.decider';
export * from './school.events';
export * from './school.types';
