// masto.js signs in to Confrère as a Mastodon app does: app registration, the password grant,
// the authorization-code flow with PKCE through the /oauth/authorize page, token revocation,
// and the errors an app must be able to tell apart (401, 403, OAuth's 400s).
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, afterEach, before, describe, test } from "node:test";

import {
    authorizeInBrowser,
    CONFRERE_BINARY,
    DEFAULT_PASSWORD,
    exchangeCode,
    knownGap,
    logTailsOnFailure,
    member,
    oauthClient,
    passwordToken,
    pkcePair,
    registerApp,
    rejectsWith,
    restClient,
    SCOPES,
    startConfrere,
} from "./lib/clients.mjs";

describe("OAuth and accounts through masto.js", () => {
    let instance;

    before(async () => {
        assert.ok(fs.existsSync(CONFRERE_BINARY), `Confrère binary not found at ${CONFRERE_BINARY} (set CONFRERE_BINARY)`);
        instance = await startConfrere({
            members: [
                { username: "alice", firstName: "Alice", lastName: "Martin" },
                { username: "pending", validated: false },
            ],
        });
    });

    after(async () => {
        await instance?.stop();
    });

    afterEach(logTailsOnFailure(() => ({ instance })));

    test("an app registers as JSON and gets its credentials back", async () => {
        const app = await registerApp(instance);
        assert.equal(app.name, "masto.js test");
        assert.equal(app.website, "https://example.test/masto");
        assert.ok(app.clientId, "client_id");
        assert.ok(app.clientSecret, "client_secret");
        assert.equal(app.redirectUri, "http://127.0.0.1/masto-test/callback");
        assert.deepEqual(app.scopes, ["read", "write", "follow"]);

        // Several redirect URIs, separated by spaces or newlines.
        const many = await registerApp(instance, { redirectUris: "http://127.0.0.1/a urn:ietf:wg:oauth:2.0:oob" });
        assert.deepEqual(many.redirectUris, ["http://127.0.0.1/a", "urn:ietf:wg:oauth:2.0:oob"]);

        // The app's own credentials, with an app token (client_credentials).
        const appToken = await oauthClient(instance).token.create({
            grantType: "client_credentials",
            clientId: app.clientId,
            clientSecret: app.clientSecret,
            redirectUri: app.redirectUri,
            scope: "read",
        });
        const verified = await restClient(instance, appToken.accessToken).v1.apps.verifyCredentials();
        assert.equal(verified.name, "masto.js test");
        assert.equal(verified.clientSecret, undefined, "the secret is shown only at creation");
        // An app token is no member: user endpoints answer 401.
        await rejectsWith(restClient(instance, appToken.accessToken).v1.accounts.verifyCredentials(), 401);

        await rejectsWith(
            restClient(instance).v1.apps.create({ clientName: "", redirectUris: "http://127.0.0.1/x", scopes: "read" }),
            422,
        );
    });

    // Mastodon 4.3 takes redirect_uris as an array too, and masto.js 7 types it
    // `string | string[]`.
    test("an app registers with redirect_uris as a JSON array", async () => {
        const many = await registerApp(instance, { redirectUris: ["http://127.0.0.1/a", "urn:ietf:wg:oauth:2.0:oob"] });
        assert.deepEqual(many.redirectUris, ["http://127.0.0.1/a", "urn:ietf:wg:oauth:2.0:oob"]);
    });

    test("the password grant gives a token that verifies the member's credentials", async () => {
        const app = await registerApp(instance);
        const token = await passwordToken(instance, app, "alice");
        assert.equal(token.tokenType, "Bearer");
        assert.equal(token.scope, SCOPES);
        assert.equal(typeof token.createdAt, "number");

        const me = await restClient(instance, token.accessToken).v1.accounts.verifyCredentials();
        assert.equal(me.username, "alice");
        assert.equal(me.acct, "alice");
        assert.equal(me.displayName, "Alice Martin");
        assert.match(me.id, /^\d+$/);
        assert.equal(typeof me.source, "object", "CredentialAccount has source");

        // The same account by id and by lookup.
        const masto = restClient(instance, token.accessToken);
        assert.equal((await masto.v1.accounts.$select(me.id).fetch()).username, "alice");
        assert.equal((await masto.v1.accounts.lookup({ acct: "alice" })).id, me.id);

        await rejectsWith(passwordToken(instance, app, "alice", { password: "wrong-password-1" }), 400, "invalid_grant");
        const widened = await rejectsWith(passwordToken(instance, app, "alice", { scope: "read admin:read" }), 400, "invalid_scope");
        assert.ok(widened.description, "error_description is kept");
    });

    test("the authorization-code flow: the /oauth/authorize form, its CSRF token, PKCE", async () => {
        const app = await registerApp(instance);
        const { verifier, challenge } = pkcePair();

        const granted = await authorizeInBrowser(instance, app, { username: "alice", state: "xyz 1", challenge });
        assert.equal(granted.answer.status, 302, await granted.answer.text());
        assert.ok(granted.form.authenticity_token, "the form carries an authenticity_token");
        assert.equal(granted.form.code_challenge, challenge);
        assert.equal(`${granted.location.origin}${granted.location.pathname}`, app.redirectUri);
        assert.equal(granted.location.searchParams.get("state"), "xyz 1");
        const code = granted.location.searchParams.get("code");
        assert.ok(code, `no code in ${granted.location}`);

        // PKCE: the code needs its verifier, and is burnt by a failed exchange.
        const mismatch = await rejectsWith(exchangeCode(instance, app, code, { verifier: pkcePair().verifier }), 400, "invalid_grant");
        assert.match(mismatch.description, /PKCE/);
        await rejectsWith(exchangeCode(instance, app, code, { verifier }), 400, "invalid_grant");

        const again = await authorizeInBrowser(instance, app, { username: "alice", challenge });
        assert.equal(again.answer.status, 302);
        const token = await exchangeCode(instance, app, again.location.searchParams.get("code"), { verifier });
        assert.equal(token.scope, SCOPES);
        const me = await restClient(instance, token.accessToken).v1.accounts.verifyCredentials();
        assert.equal(me.username, "alice");

        // Without a verifier the code is refused too.
        const third = await authorizeInBrowser(instance, app, { username: "alice", challenge });
        await rejectsWith(exchangeCode(instance, app, third.location.searchParams.get("code")), 400, "invalid_grant");
    });

    test("the authorization form refuses a forged or replayed authenticity token and a wrong password", async () => {
        const app = await registerApp(instance);

        const forged = await authorizeInBrowser(instance, app, {
            username: "alice",
            editForm: (form) => (form.authenticity_token = "forged-token"),
        });
        assert.equal(forged.location, null, "no redirect with a code");
        assert.equal(forged.answer.status, 403);
        assert.match(await forged.answer.text(), /This form has expired or was already used/);

        // The token is bound to the request it was issued for: no widening the scopes.
        const app2 = await registerApp(instance);
        const widened = await authorizeInBrowser(instance, app2, {
            username: "alice",
            scope: "read",
            editForm: (form) => (form.scope = "read write follow"),
        });
        assert.equal(widened.answer.status, 403);
        assert.equal(widened.location, null);

        // A token is valid once: the same form posted twice gives one code.
        const first = await authorizeInBrowser(instance, app, { username: "alice" });
        assert.equal(first.answer.status, 302);
        const replay = await fetch(`${instance.baseUrl}/oauth/authorize`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams(first.form).toString(),
            redirect: "manual",
        });
        assert.equal(replay.status, 403, "a replayed form is refused");

        const wrong = await authorizeInBrowser(instance, app, { username: "alice", password: "wrong-password-1" });
        assert.equal(wrong.answer.status, 401);
        assert.equal(wrong.location, null);
        assert.match(await wrong.answer.text(), /name="authenticity_token"/, "the form is shown again");
    });

    test("a bad or revoked token: 401 with the server's message", async () => {
        await rejectsWith(restClient(instance, "not-a-token").v1.accounts.verifyCredentials(), 401, "The access token is invalid");
        await rejectsWith(restClient(instance).v1.timelines.home.list(), 401);

        const alice = await member(instance, "alice");
        await oauthClient(instance).revoke({ clientId: alice.app.clientId, clientSecret: alice.app.clientSecret, token: alice.token.accessToken });
        await rejectsWith(alice.masto.v1.accounts.verifyCredentials(), 401, "The access token is invalid");
    });

    test("a token without the needed scope: 403", async () => {
        const app = await registerApp(instance);
        const readOnly = restClient(instance, (await passwordToken(instance, app, "alice", { scope: "read" })).accessToken);
        assert.equal((await readOnly.v1.accounts.verifyCredentials()).username, "alice");
        await rejectsWith(readOnly.v1.statuses.create({ status: "no write scope" }), 403, "This action is outside the authorized scopes");

        const statusesOnly = restClient(instance, (await passwordToken(instance, app, "alice", { scope: "read:statuses write:statuses" })).accessToken);
        const posted = await statusesOnly.v1.statuses.create({ status: "scoped post" });
        await rejectsWith(statusesOnly.v1.accounts.verifyCredentials(), 403, "This action is outside the authorized scopes");
        await rejectsWith(statusesOnly.v1.statuses.$select(posted.id).favourite(), 403);
        await rejectsWith(statusesOnly.v1.accounts.relationships.fetch({ id: [posted.account.id] }), 403);
    });

    test("a pending account: no token, 403 with Mastodon's message, and in once approved", async () => {
        const app = await registerApp(instance);
        const refused = await rejectsWith(passwordToken(instance, app, "pending"), 400, "invalid_grant");
        assert.equal(refused.description, "Your login is currently pending approval");

        // Signed in on the web, the account's session token works as a Bearer token.
        const signIn = await instance.request("/auth/sign_in", { method: "POST", body: { login: "pending", password: DEFAULT_PASSWORD } });
        assert.equal(signIn.status, 200, signIn.text);
        assert.equal(signIn.json.state, "pending");
        const session = /confrere_session=([^;]+)/.exec(signIn.headers.get("set-cookie") ?? "")?.[1];
        assert.ok(session, "a session cookie");
        const masto = restClient(instance, session);
        await rejectsWith(masto.v1.accounts.verifyCredentials(), 403, "Your login is currently pending approval");
        await rejectsWith(masto.v1.timelines.home.list(), 403, "Your login is currently pending approval");
        await rejectsWith(masto.v1.statuses.create({ status: "not yet" }), 403, "Your login is currently pending approval");

        // Nor through the authorization page: the form comes back with 403 and the message.
        const page = await authorizeInBrowser(instance, app, { username: "pending" });
        assert.equal(page.answer.status, 403);
        assert.equal(page.location, null);
        assert.match(await page.answer.text(), /Your login is currently pending approval/);

        const approved = await instance.admin(["approve", "pending"]);
        assert.equal(approved.code, 0, approved.stderr);
        assert.equal((await masto.v1.accounts.verifyCredentials()).username, "pending");
        const token = await passwordToken(instance, app, "pending");
        assert.equal((await restClient(instance, token.accessToken).v1.accounts.verifyCredentials()).username, "pending");
    });
});
