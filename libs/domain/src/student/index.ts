export * from './student.commands';
export * from './student.decider';
export * from './student.events';
export * from './student.types';
export * from './school-stages';
