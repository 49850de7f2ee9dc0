import assert from "node:assert/strict";
import fc from "fast-check";
import { backoffDelayMs, parseHttpDate, parseRetryAfter } from "../../enrich/_http_retry.ts";
import {
  closedPortUrl,
  delayed,
  failing,
  json,
  rateLimited,
  shortBodyReply,
  startRawServer,
  startTestServer,
} from "../_api_server.ts";
import { fastClient, rejection, torch } from "./_http.ts";

Deno.test("429 with Retry-After: 1 waits at least a second, then succeeds", async () => {
  await using server = startTestServer({
    "/v1/vulns/:id": rateLimited({ times: 1, retryAfter: 1 }, () => json({ id: "PYSEC-1" })),
  });
  const client = fastClient();
  const { data } = await client.getJson(`${server.url}/v1/vulns/PYSEC-1`);
  assert.deepEqual(data, { id: "PYSEC-1" });
  assert.equal(server.requests.length, 2);
  assert.ok(server.requests[1].at - server.requests[0].at >= 1000);
});

Deno.test("a Retry-After longer than the cap fails at once with a clear message", async () => {
  await using server = startTestServer(rateLimited({ times: 9, retryAfter: 120 }, () => json({})));
  const error = await rejection(fastClient({ retryAfterCapMs: 60_000 }).getJson(`${server.url}/x`));
  assert.equal(error.kind, "status");
  assert.equal(error.status, 429);
  assert.equal(error.attempts, 1);
  assert.equal(
    error.message,
    `GET ${server.url}/x failed: 429 Too Many Requests, and the server asks to retry after ` +
      "120 s, longer than the 60 s Tollgate waits",
  );
});

Deno.test("500 twice, then success", async () => {
  await using server = startTestServer({
    "/pypi/torch/json": failing({ times: 2, status: 500 }, () => json(torch)),
  });
  const client = fastClient();
  assert.deepEqual((await client.getJson(`${server.url}/pypi/torch/json`)).data, torch);
  assert.equal(server.requests.length, 3);
  assert.equal(client.stats().requests, 3);
});

Deno.test("a persistent 503 is an HttpError naming the status and the attempts", async () => {
  await using server = startTestServer(failing({ times: 100, status: 503 }, () => json({})));
  const error = await rejection(fastClient().getJson(`${server.url}/pypi/torch/json`));
  assert.equal(error.kind, "status");
  assert.equal(error.status, 503);
  assert.equal(error.attempts, 3);
  assert.equal(
    error.message,
    `GET ${server.url}/pypi/torch/json failed after 3 attempts: 503 Service Unavailable`,
  );
});

Deno.test("a slow answer times out, and is retried", async () => {
  await using server = startTestServer(delayed(10_000, () => json({})));
  const client = fastClient({ timeoutMs: 100, retries: 1 });
  const error = await rejection(client.getJson(`${server.url}/slow`));
  assert.equal(error.kind, "timeout");
  assert.equal(error.attempts, 2);
  assert.equal(
    error.message,
    `GET ${server.url}/slow failed after 2 attempts: no complete answer within 0.1 s`,
  );
});

Deno.test("a body cut short of its Content-Length is a network error after retries", async () => {
  await using raw = startRawServer(shortBodyReply(JSON.stringify(torch)));
  const error = await rejection(fastClient().getJson(`${raw.url}/pypi/torch/json`));
  assert.equal(error.kind, "network");
  assert.equal(error.attempts, 3);
  assert.match(error.message, /the connection closed before the whole answer arrived$/);
  assert.equal(raw.connections, 3);
});

Deno.test("connection refused is a network error after retries", async () => {
  const url = `${closedPortUrl()}/pypi/torch/json`;
  const client = fastClient();
  const error = await rejection(client.getJson(url));
  assert.equal(error.kind, "network");
  assert.equal(error.attempts, 3);
  assert.equal(error.message, `GET ${url} failed after 3 attempts: connection refused`);
  assert.equal(client.stats().requests, 3);
});

Deno.test("property: Retry-After in seconds or as any HTTP date form gives the right wait", () => {
  const now = new Date("2026-01-15T12:00:00Z");
  fc.assert(fc.property(fc.nat({ max: 10 ** 9 }), fc.constantFrom("", " ", "\t"), (n, pad) => {
    assert.equal(parseRetryAfter(`${pad}${n}${pad}`, now), n * 1000);
  }));
  const seconds = fc.integer({
    min: Date.UTC(1970, 0, 1) / 1000,
    max: Date.UTC(2069, 11, 31) / 1000,
  });
  fc.assert(fc.property(seconds, (s) => {
    const date = new Date(s * 1000);
    const expected = Math.max(0, date.getTime() - now.getTime());
    for (const form of httpDateForms(date)) {
      assert.equal(parseHttpDate(form), date.getTime(), form);
      assert.equal(parseRetryAfter(form, now), expected, form);
    }
  }));
  fc.assert(fc.property(fc.string(), (text) => {
    const wait = parseRetryAfter(text, now);
    assert.ok(wait === undefined || (Number.isFinite(wait) && wait >= 0), `${text} → ${wait}`);
  }));
  for (
    const bad of [
      "",
      "-1",
      "1.5",
      "soon",
      "Sun, 31 Feb 2026 00:00:00 GMT",
      "Mon, 01 Jan 2026 25:00:00 GMT",
    ]
  ) {
    assert.equal(parseRetryAfter(bad, now), undefined, bad);
  }
});

/** The three forms RFC 9110 lets a server send (IMF-fixdate, RFC 850, asctime). */
function httpDateForms(date: Date): string[] {
  const imf = date.toUTCString();
  const [weekday, day, month, year, time] = imf.replace(",", "").split(" ");
  const long = {
    Mon: "Monday",
    Tue: "Tuesday",
    Wed: "Wednesday",
    Thu: "Thursday",
    Fri: "Friday",
    Sat: "Saturday",
    Sun: "Sunday",
  }[weekday];
  const rfc850 = `${long}, ${day}-${month}-${year.slice(2)} ${time} GMT`;
  const asctime = `${weekday} ${month} ${String(Number(day)).padStart(2, " ")} ${time} ${year}`;
  return [imf, rfc850, asctime];
}

Deno.test("property: backoff is full jitter under min(cap, base·2^retry)", () => {
  fc.assert(
    fc.property(
      fc.nat({ max: 100 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (retry, random) => {
        const wait = backoffDelayMs(retry, {
          baseMs: 250,
          capMs: 10_000,
          random: () => random,
        });
        assert.ok(wait >= 0 && wait < Math.min(10_000, 250 * 2 ** retry), `${retry} → ${wait}`);
      },
    ),
  );
});

Deno.test("a host failing again and again: the remaining requests fail at once, not each after its retries", async () => {
  await using server = startTestServer(() => json({}, { status: 503 }));
  const client = fastClient({ hostFailureLimit: 2 });
  const errors = await Promise.all(
    Array.from({ length: 12 }, (_, i) => rejection(client.getJson(`${server.url}/p/${i}`))),
  );
  // perHostConcurrency lets the first wave through; after two failures the rest are not sent.
  assert.ok(
    errors.some((e) =>
      /not sent: the last \d+ requests to 127\.0\.0\.1:\d+ failed/.test(e.message)
    ),
  );
  assert.ok(server.requests.length < 12 * 5, `${server.requests.length} requests`);
});

Deno.test("past the client's deadline no request is sent", async () => {
  await using server = startTestServer(() => json(torch));
  const client = fastClient({ deadlineMs: 0 });
  await new Promise((resolve) => setTimeout(resolve, 5));
  const error = await rejection(client.getJson(`${server.url}/pypi/torch/json`));
  assert.equal(error.kind, "timeout");
  assert.match(error.message, /limit for fetching registry data has passed/);
  assert.equal(server.requests.length, 0);
});
