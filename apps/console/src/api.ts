import { createOrderlineClient, type OrderlineClient } from '@orderline/shared/api-client';
import { problemOf } from './problem';

export { ApiProblem } from './problem';
export type { ApiSchema, PathResponse } from '@orderline/shared/api-client';

/** The typed client of the gateway that served this page, signed in with `token`. */
export function apiClient(token?: string): OrderlineClient {
  return createOrderlineClient(window.location.origin, token);
}

/** The body of a successful call, else an ApiProblem with the message and fields of the answer. */
export async function call<Data>(request: Promise<{ data?: Data; error?: unknown; response: Response }>): Promise<Exclude<Data, undefined>> {
  const { data, error, response } = await request;
  if (!response.ok) throw problemOf(response.status, error, response.headers.get('retry-after'));
  return data as Exclude<Data, undefined>;
}

/** A file answer (export, packing slip, waybill label) saved by the browser under its own name. */
export async function downloadFile(path: string, token: string, fallbackName: string): Promise<void> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw problemOf(response.status, await response.json().catch(() => undefined), response.headers.get('retry-after'));
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = decodeURIComponent(name);
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
