import { OwnGuichet, Roles } from '@sne/auth';
import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { guichetCodeOf } from '@sne/platform';
import { GUICHET_MANAGERS } from '../guichets/guichets.controller';
import { GuichetScopeGuard } from '../guichets/guichet-scope.guard';
import { type Explanation, ExplainService } from './explain.service';

@ApiTags('guichets')
@ApiBearerAuth()
@Roles(...GUICHET_MANAGERS)
@UseGuards(GuichetScopeGuard)
@Controller('guichets')
export class ExplainController {
  constructor(private readonly explanations: ExplainService) {}

  @Post(':code/explain')
  @OwnGuichet()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Why this guichet would (not) receive an event, predicate by predicate',
  })
  explain(@Param('code') code: string, @Body() event: unknown): Promise<Explanation> {
    return this.explanations.explain(guichetCodeOf(code), event);
  }
}
