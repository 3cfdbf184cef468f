// masto.js as a Mastodon app uses it, against instances started by the interop harness
// (tests/interop/lib/confrere.mjs: temporary data dir, `confrere migrate`, members created with
// the CLI, `confrere serve` on 127.0.0.1, stopped at the end).
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { test } from "node:test";

import { createOAuthAPIClient, createRestAPIClient, MastoHttpError } from "masto";

import { DEFAULT_PASSWORD } from "../../../interop/lib/confrere.mjs";

export { CONFRERE_BINARY, createAccount, DEFAULT_PASSWORD, startConfrere } from "../../../interop/lib/confrere.mjs";
export { waitFor } from "../../../interop/lib/util.mjs";

export const SCOPES = "read write follow";

const knownGaps = new Set();

// A test of what Mastodon clients expect and Confrère does not do yet: node:test's `todo`,
// reported and not failed. `gap` says what is missing; drop to test() once the server does it.
export function knownGap(name, gap, body) {
    knownGaps.add(name);
    return test(name, { todo: gap }, body);
}

// An afterEach hook: after a failed test (known gaps aside), the tail of each instance's
// serve.log on stderr. `instances` returns {label: instance}.
export function logTailsOnFailure(instances) {
    return (t) => {
        if (t.passed !== false || knownGaps.has(t.name)) return;
        for (const [label, instance] of Object.entries(instances())) {
            if (instance) process.stderr.write(`--- ${t.name}: serve.log tail of ${label}:\n${instance.logTail()}\n`);
        }
    };
}
export const REDIRECT_URI = "http://127.0.0.1/masto-test/callback";

// POST /api/v1/apps (masto.js sends it as JSON). Resolves to masto's Client entity
// (camelCased: clientId, clientSecret, redirectUri…).
export function registerApp(instance, { scopes = SCOPES, redirectUris = REDIRECT_URI } = {}) {
    const masto = createRestAPIClient({ url: instance.baseUrl });
    return masto.v1.apps.create({ clientName: "masto.js test", redirectUris, scopes, website: "https://example.test/masto" });
}

export function oauthClient(instance) {
    return createOAuthAPIClient({ url: instance.baseUrl });
}

export function restClient(instance, accessToken) {
    return createRestAPIClient({ url: instance.baseUrl, accessToken });
}

// The password grant through masto.js (POST /oauth/token as JSON). Resolves to the Token entity.
export function passwordToken(instance, app, username, { password = DEFAULT_PASSWORD, scope = SCOPES } = {}) {
    return oauthClient(instance).token.create({
        grantType: "password",
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        redirectUri: app.redirectUri,
        username,
        password,
        scope,
    });
}

// A signed-in member: a new app, a password-grant token, and a masto.js REST client with it.
export async function member(instance, username, options = {}) {
    const app = await registerApp(instance);
    const token = await passwordToken(instance, app, username, options);
    const masto = restClient(instance, token.accessToken);
    const account = await masto.v1.accounts.verifyCredentials();
    return { username, app, token, masto, account };
}

// PKCE (RFC 7636): a verifier and its S256 challenge.
export function pkcePair() {
    const verifier = crypto.randomBytes(32).toString("base64url");
    const challenge = crypto.createHash("sha256").update(verifier).digest("base64url");
    return { verifier, challenge };
}

// The hidden inputs of the authorization form, by name.
export function hiddenInputs(html) {
    const fields = {};
    for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
        fields[match[1]] = decodeHtml(match[2]);
    }
    return fields;
}

function decodeHtml(text) {
    return text
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&amp;/g, "&");
}

// What a browser does on /oauth/authorize: GET the page (its form carries the request and a
// single-use authenticity_token, the CSRF token), then POST the form with the member's login
// and password. Resolves to {page, answer, location}: the GET's HTML, the POST's Response
// (redirects not followed) and, for a 302, its Location as a URL.
export async function authorizeInBrowser(instance, app, { username, password = DEFAULT_PASSWORD, scope = SCOPES, state, challenge, editForm } = {}) {
    const query = new URLSearchParams({ response_type: "code", client_id: app.clientId, redirect_uri: app.redirectUri, scope, lang: "en" });
    if (state) query.set("state", state);
    if (challenge) {
        query.set("code_challenge", challenge);
        query.set("code_challenge_method", "S256");
    }
    const pageAnswer = await fetch(`${instance.baseUrl}/oauth/authorize?${query}`, { signal: AbortSignal.timeout(15_000) });
    const page = await pageAnswer.text();
    assert.equal(pageAnswer.status, 200, `GET /oauth/authorize: ${page}`);
    assert.match(pageAnswer.headers.get("content-type") ?? "", /^text\/html/);
    const form = { ...hiddenInputs(page), login: username, password };
    editForm?.(form);
    const answer = await fetch(`${instance.baseUrl}/oauth/authorize`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form).toString(),
        redirect: "manual",
        signal: AbortSignal.timeout(15_000),
    });
    const location = answer.headers.get("location");
    return { page, form, answer, location: location ? new URL(location) : null };
}

// The authorization-code grant through masto.js, with the PKCE verifier when given (masto's
// types do not name code_verifier; it sends every parameter it is given, snake_cased).
export function exchangeCode(instance, app, code, { verifier, scope = SCOPES } = {}) {
    const params = {
        grantType: "authorization_code",
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        redirectUri: app.redirectUri,
        code,
        scope,
    };
    if (verifier) params.codeVerifier = verifier;
    return oauthClient(instance).token.create(params);
}

// Awaits `promise`, which must reject with masto's MastoHttpError of `status` (and `message`:
// the server's "error" field, when given). Resolves to the error.
export async function rejectsWith(promise, status, message) {
    let error;
    try {
        await promise;
    } catch (e) {
        error = e;
    }
    assert.ok(error, `expected an HTTP ${status} error, got a success`);
    assert.ok(error instanceof MastoHttpError, `expected a MastoHttpError, got ${error?.stack ?? error}`);
    assert.equal(error.statusCode, status, `status of ${error.message}`);
    if (message !== undefined) {
        if (message instanceof RegExp) assert.match(error.message, message);
        else assert.equal(error.message, message);
    }
    return error;
}

// Every status of a paginated list (masto's paginator: follows the Link header's rel="next"),
// with the pages' sizes. Stops after `maxPages` (a Link that never ends must fail the test).
export async function allPages(paginator, { maxPages = 50 } = {}) {
    const pages = [];
    for await (const page of paginator) {
        pages.push(page);
        assert.ok(pages.length <= maxPages, `more than ${maxPages} pages: the Link header never ends`);
    }
    return pages;
}

// The statuses of `masto`'s home timeline (first 40) whose text contains `text`.
export async function homeWith(masto, text) {
    const home = await masto.v1.timelines.home.list({ limit: 40 });
    return home.filter((status) => status.content.includes(text));
}
