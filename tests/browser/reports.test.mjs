// Reports in a real browser: a member reports a post from the timeline through the report
// form, a moderator reads it in /moderation/reports (the post's content included) and removes
// the post. Screenshot: docs/screenshots/reports.png (CONFRERE_SCREENSHOTS to change).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";

import { startConfrere } from "../interop/lib/confrere.mjs";
import { launchChromium, screenshots, signIn as signInAt } from "./lib/browser.mjs";


let instance;
let browser;

before(async () => {
    instance = await startConfrere({
        members: [
            { username: "alice", firstName: "Alice", lastName: "Dupont" },
            { username: "bob", firstName: "Bob", lastName: "Martin" },
            { username: "marie", role: "moderator", firstName: "Marie", lastName: "Moderatrice" },
        ],
    });
    browser = await launchChromium();
});

after(async () => {
    await browser?.close();
    await instance?.stop();
});

async function signedIn(username) {
    const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: "fr-FR" });
    const page = await context.newPage();
    await signInAt(page, instance.baseUrl, username);
    await page.waitForURL(/\/home$/);
    return { context, page };
}

test("a member reports a post and a moderator removes it", async () => {
    const bob = await signedIn("bob");
    await bob.page.fill("#status", "Mme Durand, 3 rue des Lilas, sort de l'hôpital demain");
    await bob.page.check("input[name=audience][value=instance]");
    await bob.page.click("#compose button[type=submit]");
    await bob.page.waitForURL(/\/statuses\/\d+$/);
    const postUrl = bob.page.url();

    // Alice reports it from the post: the form preselects it; a comment too long is refused
    // next to its field, what she typed kept.
    const alice = await signedIn("alice");
    await alice.page.goto(postUrl);
    await alice.page.click("article.focus-status a:has-text('Signaler')");
    await alice.page.waitForURL(/\/report\?status=\d+$/);
    assert.equal(await alice.page.isChecked("input[name='status_ids[]']"), true);
    await alice.page.check("input[name=category][value=violation]");
    // The browser stops at maxlength; the server's limit is checked with the attribute removed.
    await alice.page.evaluate(() => document.querySelector("#comment").removeAttribute("maxlength"));
    await alice.page.fill("#comment", "x".repeat(1001));
    await alice.page.click("main button[type=submit]");
    assert.match(await alice.page.textContent("#comment-error"), /trop long/);
    assert.equal(await alice.page.getAttribute("#comment", "aria-invalid"), "true");
    await alice.page.fill("#comment", "Patiente identifiable : nom et adresse.");
    await alice.page.click("main button[type=submit]");
    await alice.page.waitForURL(/\/report\/sent$/);
    assert.match(await alice.page.textContent("main"), /transmis aux modérateurs/);

    // Marie finds it in the moderators' page, reads the post, and removes it.
    const marie = await signedIn("marie");
    await marie.page.click("header nav a:has-text('Signalements')");
    await marie.page.waitForURL(/\/moderation\/reports$/);
    const report = marie.page.locator("section.report", { hasText: "@bob" });
    assert.match(await report.textContent(), /3 rue des Lilas/);
    assert.match(await report.textContent(), /@alice/);
    assert.match(await report.textContent(), /Patiente identifiable/);
    await marie.page.screenshot({ path: path.join(screenshots, "reports.png"), fullPage: true });
    await report.locator("button", { hasText: "Retirer les messages" }).click();
    await marie.page.waitForSelector("text=les messages sont retirés");
    await marie.page.goto(`${instance.baseUrl}/moderation/reports?resolved=1`);
    assert.match(await marie.page.textContent("main"), /Messages retirés/);

    // The post is gone for its readers.
    const gone = await alice.page.goto(postUrl);
    assert.equal(gone.status(), 404);

    for (const who of [alice, bob, marie]) await who.context.close();
});
