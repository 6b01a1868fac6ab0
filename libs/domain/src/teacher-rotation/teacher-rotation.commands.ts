import type { RotationKind } from './teacher-rotation.types';

export interface StartTeacherRotation {
  readonly type: 'StartTeacherRotation';
  readonly rotationId: string;
  readonly teacher: string;
  readonly fromDistrictCode: string;
  readonly fromSchoolCode: string;
  readonly toDistrictCode: string;
  readonly toSchoolCode: string;
  readonly kind: RotationKind;
  readonly subject: string;
  /** 骨干教师: county-level or higher recognised teacher. */
  readonly backbone: boolean;
  readonly startDate: string;
  readonly plannedEndDate: string;
}

export interface EndTeacherRotation {
  readonly type: 'EndTeacherRotation';
  readonly teacher: string;
  readonly endDate: string;
}

export type TeacherRotationCommand = StartTeacherRotation | EndTeacherRotation;
