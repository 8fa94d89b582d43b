import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export interface OpenApiInfo {
  readonly title: string;
  readonly description: string;
}

export function buildOpenApi(app: INestApplication, info: OpenApiInfo): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(info.title)
    .setDescription(info.description)
    .setVersion('1.0.0')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'An access token of the identity provider (RFC 9068 JWT, audience urn:sne:api:<app>): an operator with roles and territory, or a guichet',
    })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Serves the app's OpenAPI at /openapi.json and a browsable page at /docs. */
export function serveOpenApi(app: INestApplication, info: OpenApiInfo): void {
  SwaggerModule.setup('docs', app, () => buildOpenApi(app, info), {
    jsonDocumentUrl: 'openapi.json',
  });
}
