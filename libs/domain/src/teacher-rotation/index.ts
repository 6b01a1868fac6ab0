export * from './teacher-rotation.commands';
export * from './teacher-rotation.decider';
export * from './teacher-rotation.events';
export * from './teacher-rotation.types';
