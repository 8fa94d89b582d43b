import { Controller, Get, Header, Query } from '@nestjs/common';
import { PARIS_TIME_ZONE } from '@sne/domain';
import { html } from '@sne/platform';
import { layout, table } from '../html';
import { DocumentIngestionClient } from './document-ingestion.client';

interface BatchView {
  batchId: string;
  channel: string;
  status: string;
  uploadedBy: string;
  file: { pages: number };
  receivedAt: string;
  scheduledFor?: string;
  placed: Array<{ numeroUnique: string; pages: number[] }>;
  rejected: Array<{ label: string; pages: number[]; numeroUnique?: string }>;
  notification?: { to: string[]; sentAt?: string };
  failure?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const STATES = ['waiting', 'delayed', 'active', 'completed', 'failed'];
const STATUS_LABELS: Record<string, string> = {
  queued: 'en attente',
  processing: 'en cours',
  done: 'traité',
  failed: 'en échec',
};

const time = new Intl.DateTimeFormat('fr-FR', {
  timeZone: PARIS_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
});

const pages = (numbers: readonly number[]) =>
  numbers.length === 1 ? `p. ${numbers[0]}` : `p. ${numbers[0]}-${numbers[numbers.length - 1]}`;

/** Document ingestion: the split jobs and the scanned batches received on a day. */
@Controller('documents')
export class ScannedBatchesController {
  constructor(private readonly documents: DocumentIngestionClient) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async page(@Query('day') day: string | undefined): Promise<string> {
    const asked = day && DAY.test(day) ? `?day=${day}` : '';
    const [queue, received] = await Promise.all([
      this.documents.get<{ counts: Record<string, number> }>('/scanned-batches/queue'),
      this.documents.get<{ day: string; batches: BatchView[] }>(`/scanned-batches${asked}`),
    ]);
    return layout(
      'Pièces justificatives : lots numérisés',
      html`<h2>Découpage des lots</h2>
        ${table(STATES, [STATES.map((state) => queue.counts[state] ?? 0)])}
        <p>« delayed » : lots en attente de la fenêtre de chargement, ou d’un nouvel essai.</p>
        <h2>Lots reçus le ${received.day}</h2>
        <form method="get">
          <input type="date" name="day" value="${received.day}" /> <button>Afficher</button>
        </form>
        ${
          received.batches.length === 0
            ? html`<p>Aucun lot.</p>`
            : table(
                ['reçu', 'déposé par', 'pages', 'état', 'demandes', 'rejets', 'compte rendu'],
                received.batches.map((batch) => [
                  time.format(new Date(batch.receivedAt)),
                  batch.uploadedBy,
                  batch.file.pages,
                  html`${STATUS_LABELS[batch.status] ?? batch.status}${batch.failure ? ` (${batch.failure})` : ''}`,
                  batch.placed.map(
                    (placed) => html`${placed.numeroUnique} (${pages(placed.pages)})<br />`,
                  ),
                  batch.rejected.map(
                    (rejected) =>
                      html`${rejected.label}${rejected.numeroUnique ? ` ${rejected.numeroUnique}` : ''}
                        (${pages(rejected.pages)})<br />`,
                  ),
                  batch.notification
                    ? `${batch.notification.to.join(', ')}${batch.notification.sentAt ? '' : ' (envoi incertain)'}`
                    : '',
                ]),
              )
        }`,
      { refreshSeconds: 30 },
    );
  }
}
