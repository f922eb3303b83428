import { RallyError, problemSlug } from './errors.js';

/**
 * One HTTP call to Rally: JSON in, JSON out, the bearer credential in the `Authorization` header (never a cookie,
 * never a URL). A problem answer becomes a {@link RallyError} carrying the problem; an unreachable server becomes
 * one with code `network`.
 *
 * @param {{ baseUrl: string, fetch?: typeof fetch }} client
 * @param {string} method
 * @param {string} path starting with `/`
 * @param {{ token?: string, body?: unknown, accept?: string, notFoundAsNull?: boolean, raw?: boolean }} [options]
 */
export async function call(client, method, path, options = {}) {
  const headers = { Accept: options.accept ?? 'application/json' };
  if (options.token) {
    headers.Authorization = `Bearer ${options.token}`;
  }
  let body;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const doFetch = client.fetch ?? globalThis.fetch;
  let response;
  try {
    response = await doFetch(url(client.baseUrl, path), { method, headers, body, credentials: 'omit', cache: 'no-store' });
  } catch (error) {
    throw new RallyError('network', `Rally could not be reached at ${client.baseUrl}: ${error?.message ?? error}`, { cause: error });
  }
  if (response.ok) {
    if (options.raw) {
      return response;
    }
    const text = await response.text();
    return text.length === 0 ? null : JSON.parse(text);
  }
  const error = await toError(response);
  if (options.notFoundAsNull && response.status === 404) {
    return null;
  }
  throw error;
}

/** The absolute URL of a path under the base URL (which may itself have a path, e.g. behind a proxy). */
export function url(baseUrl, path) {
  return baseUrl.replace(/\/+$/, '') + path;
}

/** A refused response as a RallyError (reads the body). */
export async function toError(response) {
  let problem;
  try {
    const text = await response.text();
    problem = text ? JSON.parse(text) : undefined;
  } catch {
    problem = undefined;
  }
  const slug = problemSlug(problem) || `http-${response.status}`;
  const detail = problem?.detail ?? problem?.title ?? response.statusText;
  return new RallyError(slug, `${response.status} ${slug}: ${detail}`, {
    status: response.status,
    problem,
    retryAfterMs: retryAfterMs(response),
  });
}

/** `Retry-After` in milliseconds (seconds or an HTTP date), or undefined. */
export function retryAfterMs(response) {
  const value = response.headers?.get?.('Retry-After');
  if (!value) {
    return undefined;
  }
  if (/^\d+$/.test(value.trim())) {
    return Number(value.trim()) * 1000;
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
