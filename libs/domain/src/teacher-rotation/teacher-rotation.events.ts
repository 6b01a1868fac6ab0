import type { RotationKind } from './teacher-rotation.types';

/** A teacher starts working at another school for a term (seed 002: 129 teachers rotated). */
export interface TeacherRotationStarted {
  readonly type: 'TeacherRotationStarted';
  readonly schemaVersion: 1;
  readonly data: {
    readonly rotationId: string;
    readonly teacher: string;
    readonly fromDistrictCode: string;
    readonly fromSchoolCode: string;
    readonly toDistrictCode: string;
    readonly toSchoolCode: string;
    readonly kind: RotationKind;
    readonly subject: string;
    readonly backbone: boolean;
    readonly startDate: string;
    readonly plannedEndDate: string;
  };
}

export interface TeacherRotationEnded {
  readonly type: 'TeacherRotationEnded';
  readonly schemaVersion: 1;
  readonly data: {
    readonly rotationId: string;
    readonly teacher: string;
    readonly fromDistrictCode: string;
    readonly fromSchoolCode: string;
    readonly endDate: string;
  };
}

export type TeacherRotationEvent = TeacherRotationStarted | TeacherRotationEnded;
