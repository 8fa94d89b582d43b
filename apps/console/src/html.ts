/** Server-rendered pages: every value goes through escapeHtml, nothing else builds markup. */
export function escapeHtml(value: unknown): string {
  let text: string;
  if (value === undefined || value === null) text = '';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else text = JSON.stringify(value);
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Markup that is already safe (built from escaped parts). */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** A template tag that escapes every interpolated value unless it is already Html. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let markup = strings[0];
  values.forEach((value, index) => {
    const parts = Array.isArray(value) ? value : [value];
    markup += parts.map((part) => (part instanceof Html ? part.markup : escapeHtml(part))).join('');
    markup += strings[index + 1];
  });
  return new Html(markup);
}

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
        </nav>
        <h1>${title}</h1>
        ${body}
      </body>
    </html>`.markup;
}
