import type { RecordedEvent } from '@junheng/event-store';
import type { TeacherRotationEvent } from '@junheng/domain';
import { loggedColumns, payloadOf } from './fact-row';
import type { Projection } from './projection';

/** Rotations started and ended (交流轮岗 / 支教 / 挂职), one row per event. */
export const teacherRotationsProjection: Projection = {
  table: 'teacher_rotations',
  rows: (events: readonly RecordedEvent[]) =>
    events.flatMap((event) => {
      const rotation = { type: event.type, data: payloadOf(event) } as TeacherRotationEvent;
      switch (rotation.type) {
        case 'TeacherRotationStarted':
          return [
            {
              ...loggedColumns(event),
              type: 'started',
              rotation_id: rotation.data.rotationId,
              teacher: rotation.data.teacher,
              from_school_code: rotation.data.fromSchoolCode,
              from_district_code: rotation.data.fromDistrictCode,
              to_school_code: rotation.data.toSchoolCode,
              to_district_code: rotation.data.toDistrictCode,
              kind: rotation.data.kind,
              subject: rotation.data.subject,
              backbone: rotation.data.backbone ? 1 : 0,
              event_date: rotation.data.startDate,
            },
          ];
        case 'TeacherRotationEnded':
          return [
            {
              ...loggedColumns(event),
              type: 'ended',
              rotation_id: rotation.data.rotationId,
              teacher: rotation.data.teacher,
              from_school_code: rotation.data.fromSchoolCode,
              from_district_code: rotation.data.fromDistrictCode,
              to_school_code: '',
              to_district_code: '',
              kind: '',
              subject: '',
              backbone: 0,
              event_date: rotation.data.endDate,
            },
          ];
        default:
          return [];
      }
    }),
};
