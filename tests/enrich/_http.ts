import assert from "node:assert/strict";
import {
  HttpClient,
  type HttpClient as Client,
  HttpError,
  type HttpOptions,
} from "../../enrich/http.ts";

export const START = new Date("2026-01-15T12:00:00Z");

/** A client with fast retries: tests wait milliseconds, not seconds. */
export function fastClient(options: HttpOptions = {}): Client {
  return new HttpClient({
    retries: 2,
    backoffBaseMs: 1,
    backoffCapMs: 5,
    timeoutMs: 5_000,
    now: () => START,
    ...options,
  });
}

export async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HttpError, `expected an HttpError, got ${error}`);
    return error;
  }
  assert.fail("expected the request to fail");
}

export const torch = { info: { name: "torch", version: "2.3.1" } };
