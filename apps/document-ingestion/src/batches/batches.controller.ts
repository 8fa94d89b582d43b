import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@sne/auth';
import { parisDate } from '@sne/domain';
import { Clock, InvalidInputError } from '@sne/platform';
import type { Request, Response } from 'express';
import { readMultipartUpload } from '../documents/multipart-upload';
import { BATCH_QUEUE } from './batch-queue';
import type { ScannedBatch } from './batch.repository';
import { BatchesService } from './batches.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** What the API shows of a batch: not the uploader's token claims. */
function view(batch: ScannedBatch) {
  const { principal: _principal, ...rest } = batch;
  return rest;
}

@ApiTags('scanned batches')
@ApiBearerAuth()
@Controller('scanned-batches')
export class BatchesController {
  constructor(
    private readonly batches: BatchesService,
    private readonly clock: Clock,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Upload a scanned batch (a PDF: transmittal slip, then per demand its summary sheet and pages; or, channel=applicant, the first page of the registration certificate then the pages); 202, split by a background job, a report mailed',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        channel: { type: 'string', enum: ['guichet', 'applicant'], default: 'guichet' },
        notifyEmail: {
          type: 'string',
          format: 'email',
          description: "the guichet's referent address (required for channel=guichet)",
        },
        category: { type: 'string', default: 'DOCINT' },
        documentType: { type: 'string', default: 'NUMPAP' },
        file: { type: 'string', format: 'binary' },
      },
    } as never,
  })
  async submit(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const batch = await readMultipartUpload(
      request,
      { largestFileBytes: this.batches.largestFile },
      (fields, file) => this.batches.submit(principal, fields, file),
    );
    response.status(202);
    response.setHeader('Location', `/scanned-batches/${batch.batchId}`);
    return { batch: view(batch) };
  }

  @Get()
  @ApiOperation({
    summary:
      'The batches received on a day (Paris time; today by default): yours, or all of them for national administrators and territorial managers',
  })
  @ApiQuery({ name: 'day', required: false, description: 'YYYY-MM-DD' })
  async receivedOn(
    @CurrentPrincipal() principal: Principal,
    @Query('day') day: string | undefined,
  ) {
    if (day !== undefined && !DAY.test(day))
      throw new InvalidInputError('invalid day', [{ path: '/day', message: 'YYYY-MM-DD' }]);
    const listed = day ?? parisDate(this.clock.now());
    return {
      day: listed,
      batches: (await this.batches.receivedOn(principal, listed)).map(view),
    };
  }

  @Get('queue')
  @Roles('national-admin', 'territorial-manager')
  @ApiOperation({
    summary:
      'The split jobs by state: waiting, delayed (until the loading window or a retry), active, completed, failed',
  })
  async queue() {
    return { name: BATCH_QUEUE, counts: await this.batches.queueCounts() };
  }

  @Get(':batchId')
  @ApiOperation({
    summary:
      'A batch: queued, processing, done (the documents attached, the pages rejected with their reasons) or failed (every attempt failed)',
  })
  async status(@CurrentPrincipal() principal: Principal, @Param('batchId') batchId: string) {
    if (!UUID.test(batchId))
      throw new InvalidInputError('invalid batch id', [{ path: '/batchId', message: 'a UUID' }]);
    return { batch: view(await this.batches.status(principal, batchId)) };
  }
}
