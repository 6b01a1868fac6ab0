export * from './lesson-exchange';
export * from './shared/administrative-codes';
export * from './shared/calendar';
export * from './shared/clock';
export * from './shared/domain-rule-violation';
export * from './shared/exhaustive';
export * from './shared/given-when-then';
export * from './teacher-rotation';
