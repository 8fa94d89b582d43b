import { Roles } from '@sne/auth';
import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DueScanner, type ScanReport } from './due-scanner';

@ApiTags('renewal notices')
@ApiBearerAuth()
@Controller()
export class ScansController {
  constructor(private readonly scanner: DueScanner) {}

  @Post('scans')
  @HttpCode(200)
  @Roles('national-admin')
  @ApiOperation({
    summary: 'Run the due scan now (it also runs daily): enqueue every notice due by today',
  })
  scan(): Promise<ScanReport> {
    return this.scanner.scan();
  }
}
