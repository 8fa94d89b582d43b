import { Controller, Get, Header } from '@nestjs/common';
import { type AppStatus, PlatformStatusService } from './platform-status.service';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function renderPage(statuses: readonly AppStatus[]): string {
  const rows = statuses
    .map((status) => {
      const dependencies = Object.entries(status.dependencies)
        .map(
          ([name, state]) =>
            `<span class="${state.status === 'up' ? 'up' : 'down'}">${escapeHtml(name)}: ${escapeHtml(state.status)}${state.message ? ` (${escapeHtml(state.message)})` : ''}</span>`,
        )
        .join(' ');
      return `<tr><td>${escapeHtml(status.app)}</td><td class="${status.ready ? 'up' : 'down'}">${status.ready ? 'ready' : 'not ready'}</td><td>${dependencies || escapeHtml(status.error ?? '')}</td><td><a href="${escapeHtml(status.url)}/metrics">metrics</a></td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>SNE — console</title>
<meta http-equiv="refresh" content="10">
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4rem .8rem;text-align:left}.up{color:#176f2c}.down{color:#b00020;font-weight:600}</style>
</head><body><h1>SNE — plateforme de dispatching</h1><h2>Services</h2>
<table><thead><tr><th>service</th><th>état</th><th>dépendances</th><th></th></tr></thead><tbody>
${rows}
</tbody></table><p>Actualisé toutes les 10 secondes. API : <a href="/api/status">/api/status</a></p></body></html>`;
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
