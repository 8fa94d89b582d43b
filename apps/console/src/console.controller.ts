import { Controller, Get, Header } from '@nestjs/common';
import { html } from '@sne/platform';
import { layout, table } from './html';
import { type AppStatus, PlatformStatusService } from './platform-status.service';

function renderPage(statuses: readonly AppStatus[]): string {
  const rows = statuses.map((status) => {
    const dependencies = Object.entries(status.dependencies).map(
      ([name, state]) =>
        html`<span class="${state.status === 'up' ? 'up' : 'down'}"
          >${name}: ${state.status}${state.message ? ` (${state.message})` : ''}</span
        > `,
    );
    return [
      status.app,
      status.ready ? html`<span class="up">prêt</span>` : html`<span class="down">pas prêt</span>`,
      dependencies.length > 0 ? dependencies : (status.error ?? ''),
      html`<a href="${status.url}/metrics">métriques</a>`,
    ];
  });
  return layout(
    'SNE — plateforme de dispatching',
    html`<h2>Services</h2>
      ${table(['service', 'état', 'dépendances', ''], rows)}
      <p>Actualisé toutes les 10 secondes. API : <a href="/api/status">/api/status</a></p>`,
    { refreshSeconds: 10 },
  );
}

@Controller()
export class ConsoleController {
  constructor(private readonly status: PlatformStatusService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async page(): Promise<string> {
    return renderPage(await this.status.appStatuses());
  }

  @Get('api/status')
  async apiStatus(): Promise<{ apps: AppStatus[] }> {
    return { apps: await this.status.appStatuses() };
  }
}
