import { Module } from '@nestjs/common';
import { ImportService } from './import.service';
import { ImportsController } from './imports.controller';

@Module({ controllers: [ImportsController], providers: [ImportService] })
export class ImportsModule {}
