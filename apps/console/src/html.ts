import { html, type Html } from '@sne/platform';
import { currentRequest } from './sign-in/signed-in-session';

/** The console's page pieces, built with the platform's escaping template (libs/platform). */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly unknown[]>): Html {
  return html`<table>
    <thead>
      <tr>
        ${headers.map((header) => html`<th>${header}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (row) =>
          html`<tr>
            ${row.map((cell) => html`<td>${cell}</td>`)}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** Who is signed in, with their profile, and the way out. */
function signedInBar(): Html | string {
  const signedIn = currentRequest.getStore()?.session.signedIn;
  if (!signedIn) return '';
  const territory = signedIn.territory === 'all' ? 'national' : signedIn.territory.join(' ');
  return html`<span class="who"
      >${signedIn.name ?? signedIn.sub} — ${signedIn.roles.join(', ')} — ${territory}</span
    >
    <form class="inline" method="post" action="/auth/logout">
      <button type="submit">Se déconnecter</button>
    </form>`;
}

export function layout(
  title: string,
  body: Html,
  options: { refreshSeconds?: number } = {},
): string {
  return html`<!doctype html>
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <title>SNE — ${title}</title>
        ${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}" />` : ''}
        <style>
          body {
            font-family: system-ui, sans-serif;
            margin: 2rem;
          }
          table {
            border-collapse: collapse;
            margin: 0.5rem 0 1.5rem;
          }
          td,
          th {
            border: 1px solid #ccc;
            padding: 0.3rem 0.7rem;
            text-align: left;
            vertical-align: top;
          }
          .up {
            color: #176f2c;
          }
          .down {
            color: #b00020;
            font-weight: 600;
          }
          nav a {
            margin-right: 1rem;
          }
          pre {
            background: #f5f5f5;
            padding: 0.6rem;
            overflow: auto;
          }
          textarea {
            width: 100%;
            font-family: monospace;
          }
          form.inline {
            display: inline;
          }
        </style>
      </head>
      <body>
        <nav>
          <a href="/">Services</a><a href="/guichets">Guichets</a><a href="/lag">Retards</a
          ><a href="/renewal">Renouvellements</a><a href="/documents">Lots numérisés</a>
          ${signedInBar()}
        </nav>
        <h1>${title}</h1>
        ${body}
      </body>
    </html>`.markup;
}
