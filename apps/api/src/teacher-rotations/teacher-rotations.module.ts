import { Module } from '@nestjs/common';
import {
  EndTeacherRotationHandler,
  StartTeacherRotationHandler,
} from './teacher-rotation.handlers';
import { TeacherRotationsController } from './teacher-rotations.controller';
import { TeacherRotationsResolver } from './teacher-rotations.resolver';

@Module({
  controllers: [TeacherRotationsController],
  providers: [StartTeacherRotationHandler, EndTeacherRotationHandler, TeacherRotationsResolver],
})
export class TeacherRotationsModule {}
