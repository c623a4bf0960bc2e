import { INestApplication } from '@nestjs/common';
import type { Request, Response } from 'express';
import { buildAsyncApiDocument } from '@orderline/shared/contracts';

/** The AsyncAPI 3 document of every topic and event, at /asyncapi.json (built once, from the registry). */
export function mountEventDocs(app: INestApplication): void {
  const document = buildAsyncApiDocument({ version: '1' });
  app.getHttpAdapter().get('/asyncapi.json', (_request: Request, response: Response) => response.json(document));
}
