import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, dataProfileOf, type Principal } from '@sne/auth';
import {
  demandInputSchema,
  type ProcessingEvent,
  processingEventInputSchema,
  radiationRequestSchema,
  withoutSensitiveData,
} from '@sne/domain';
import {
  ForbiddenError,
  InvalidInputError,
  numeroUniqueOf,
  requiredVersionFromIfMatch,
  tagVersion,
} from '@sne/platform';
import type { Response } from 'express';
import type { RegisteredDemand } from './demand.repository';
import { DEMAND_SEARCH_PARAMETERS, parseDemandSearch } from './demand-search';
import { demandsCsv } from './demands-csv';
import { DemandsService } from './demands.service';

function withVersion(response: Response, demand: RegisteredDemand): { demand: RegisteredDemand } {
  tagVersion(response, demand.version);
  return { demand };
}

/** Demands over HTTP, for guichet software (the portal's side comes later). */
@ApiTags('demands')
@ApiBearerAuth()
@Controller('demands')
export class DemandsController {
  constructor(private readonly demands: DemandsService) {}

  @Post()
  @ApiOperation({
    summary:
      'Register a demand (a guichet): validated, duplicate-checked, numbered; 409 on a duplicate unless forced',
  })
  @ApiBody({ schema: demandInputSchema as never })
  @ApiQuery({ name: 'forceDuplicate', required: false, type: Boolean })
  async register(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Query('forceDuplicate') force: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ demand: RegisteredDemand }> {
    if (principal.kind !== 'guichet') throw new ForbiddenError('only a guichet registers demands');
    const demand = await this.demands.register(principal, body, {
      forceDuplicate: force === 'true',
    });
    response.status(201);
    return withVersion(response, demand);
  }

  @Get()
  @ApiOperation({
    summary:
      'Search the demands of your territory (number, state, deposit / renewal / radiation dates, wished and attribution commune, motive, radiation motive, name, first name, birth date), paged; format=csv for a spreadsheet',
  })
  @applyDecorators(...DEMAND_SEARCH_PARAMETERS.map((parameter) => ApiQuery(parameter)))
  async search(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<
    { page: number; pageSize: number; total: number; demands: RegisteredDemand[] } | string
  > {
    const search = parseDemandSearch(query);
    const format = query.format ?? 'json';
    if (format !== 'json' && format !== 'csv')
      throw new InvalidInputError('invalid search', [{ path: 'format', message: 'json or csv' }]);
    const { total, demands: found } = await this.demands.search(
      principal,
      search,
      format === 'csv' ? 'csv' : 'api',
    );
    const demands = found.map((demand) => minimisedFor(principal, demand));
    if (format === 'csv') {
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader('Content-Disposition', 'attachment; filename="demandes.csv"');
      return demandsCsv(demands);
    }
    return { page: search.page, pageSize: search.pageSize, total, demands };
  }

  @Get(':numeroUnique')
  @ApiOperation({ summary: 'Read a demand (the read is written to the audit log)' })
  async read(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ demand: RegisteredDemand }> {
    const demand = await this.demands.read(principal, numeroUniqueOf(numeroUnique));
    return withVersion(response, minimisedFor(principal, demand));
  }

  @Put(':numeroUnique')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace the CERFA data at the version read (If-Match); 409 when it is stale',
  })
  @ApiBody({ schema: demandInputSchema as never })
  @ApiHeader({ name: 'If-Match', required: true, description: 'the version read, e.g. "3"' })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ demand: RegisteredDemand }> {
    return this.change(principal, numeroUnique, ifMatch, response, (numero, version) =>
      this.demands.update(principal, numero, version, body),
    );
  }

  @Post(':numeroUnique/renewal')
  @HttpCode(200)
  @ApiOperation({ summary: 'Renew (If-Match): the anniversary of the initial deposit is kept' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'the version read, e.g. "3"' })
  async renew(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ demand: RegisteredDemand }> {
    return this.change(principal, numeroUnique, ifMatch, response, (numero, version) =>
      this.demands.renew(principal, numero, version),
    );
  }

  @Post(':numeroUnique/radiation')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Radiate (If-Match) with a motive and a date; attribution (RADATT) by a landlord only, with the commune, lease date and quota',
  })
  @ApiBody({ schema: radiationRequestSchema as never })
  @ApiHeader({ name: 'If-Match', required: true, description: 'the version read, e.g. "3"' })
  async radiate(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ demand: RegisteredDemand }> {
    return this.change(principal, numeroUnique, ifMatch, response, (numero, version) =>
      this.demands.radiate(principal, numero, version, body),
    );
  }

  @Post(':numeroUnique/reactivation')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reactivate (If-Match) a demand radiated for non-renewal, within 5 months',
  })
  @ApiHeader({ name: 'If-Match', required: true, description: 'the version read, e.g. "3"' })
  async reactivate(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ demand: RegisteredDemand }> {
    return this.change(principal, numeroUnique, ifMatch, response, (numero, version) =>
      this.demands.reactivate(principal, numero, version),
    );
  }

  @Post(':numeroUnique/separated-partner-demand')
  @ApiOperation({
    summary:
      "Register the new demand of a member of a separated married or PACS couple (a guichet): it keeps the deposit date of the couple's demand",
  })
  @ApiBody({ schema: demandInputSchema as never })
  @ApiQuery({ name: 'forceDuplicate', required: false, type: Boolean })
  async registerSeparatedPartner(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Body() body: unknown,
    @Query('forceDuplicate') force: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ demand: RegisteredDemand }> {
    if (principal.kind !== 'guichet') throw new ForbiddenError('only a guichet registers demands');
    const demand = await this.demands.registerSeparatedPartner(
      principal,
      numeroUniqueOf(numeroUnique),
      body,
      { forceDuplicate: force === 'true' },
    );
    response.status(201);
    return withVersion(response, demand);
  }

  @Post(':numeroUnique/processing-events')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Record a shared-management event (If-Match): information requested, CAL designation, agenda, examination, visit, decision, refusal, lease signed',
  })
  @ApiBody({ schema: processingEventInputSchema as never })
  @ApiHeader({ name: 'If-Match', required: true, description: 'the version read, e.g. "3"' })
  async recordProcessingEvent(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ demand: RegisteredDemand; processingEvent: ProcessingEvent }> {
    refuseConsultants(principal);
    const { demand, event } = await this.demands.recordProcessingEvent(
      principal,
      numeroUniqueOf(numeroUnique),
      requiredVersionFromIfMatch(ifMatch),
      body,
    );
    return { ...withVersion(response, demand), processingEvent: event };
  }

  @Get(':numeroUnique/processing-events')
  @ApiOperation({ summary: "The demand's shared-management events, in the order recorded" })
  async processingEvents(
    @CurrentPrincipal() principal: Principal,
    @Param('numeroUnique') numeroUnique: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ numeroUnique: string; processingEvents: readonly ProcessingEvent[] }> {
    const demand = await this.demands.read(principal, numeroUniqueOf(numeroUnique));
    tagVersion(response, demand.version);
    return { numeroUnique: demand.numeroUnique, processingEvents: demand.processingEvents ?? [] };
  }

  /** The common path of every change: who may, which demand, at which version. */
  private async change(
    principal: Principal,
    numeroUnique: string,
    ifMatch: string | undefined,
    response: Response,
    apply: (numero: string, version: number) => Promise<RegisteredDemand>,
  ): Promise<{ demand: RegisteredDemand }> {
    refuseConsultants(principal);
    const demand = await apply(numeroUniqueOf(numeroUnique), requiredVersionFromIfMatch(ifMatch));
    return withVersion(response, demand);
  }
}

/** What the caller's profile may see of a demand (consultant simple: no NIR, incomes…). */
function minimisedFor(principal: Principal, demand: RegisteredDemand): RegisteredDemand {
  return dataProfileOf(principal) === 'full' ? demand : withoutSensitiveData(demand);
}

/** Consultants read demands; guichets, territorial managers and national admins change them. */
function refuseConsultants(principal: Principal): void {
  if (
    principal.kind === 'operator' &&
    !principal.roles.some((role) => role === 'territorial-manager' || role === 'national-admin')
  )
    throw new ForbiddenError('consultants read demands, they do not change them');
}
