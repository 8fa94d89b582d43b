import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { html } from '@sne/platform';
import { layout, table } from '../html';
import { RenewalNoticesClient } from './renewal-notices.client';

interface LetterBatchView {
  kind: string;
  day: string;
  letters: number;
}

interface QueueView {
  name: string;
  counts: Record<string, number>;
}

const KIND_LABELS: Record<string, string> = {
  'plain-letter': 'lettre simple',
  'registered-letter': 'lettre recommandée',
};
const LETTER_KIND = /^(plain|registered)-letter$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Renewal notices: the notice queues and the day's letters for the mail house. */
@Controller('renewal')
export class RenewalNoticesController {
  constructor(private readonly renewal: RenewalNoticesClient) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async page(): Promise<string> {
    const [queues, batches] = await Promise.all([
      this.renewal.get<QueueView[]>('/queues'),
      this.renewal.get<LetterBatchView[]>('/letters'),
    ]);
    const states = ['waiting', 'delayed', 'active', 'completed', 'failed'];
    return layout(
      'Préavis de renouvellement',
      html`<h2>Files d’envoi</h2>
        ${table(
          ['file', ...states],
          queues.map((queue) => [queue.name, ...states.map((state) => queue.counts[state] ?? 0)]),
        )}
        <p>
          « delayed » : SMS retenus pendant les heures de silence, ou envois en attente d’un nouvel
          essai.
        </p>
        <h2>Courriers du jour (pour le routeur)</h2>
        ${
          batches.length === 0
            ? html`<p>Aucun courrier.</p>`
            : table(
                ['jour', 'type', 'courriers', ''],
                batches.map((batch) => [
                  batch.day,
                  KIND_LABELS[batch.kind] ?? batch.kind,
                  batch.letters,
                  html`<a href="/renewal/letters/${batch.kind}/${batch.day}">PDF</a>`,
                ]),
              )
        }`,
      { refreshSeconds: 30 },
    );
  }

  @Get('letters/:kind/:day')
  async letters(
    @Param('kind') kind: string,
    @Param('day') day: string,
    @Res() response: Response,
  ): Promise<void> {
    if (!LETTER_KIND.test(kind) || !DAY.test(day)) {
      response.status(404).type('text/plain').send('no such letters');
      return;
    }
    const file = await this.renewal.fetchFile(`/letters/${kind}/${day}`);
    response.status(file.status).type(file.type).send(file.body);
  }
}
