// The web UI in a real browser: playwright-core drives Debian's chromium (headless) against a
// real `confrere serve` started by the interop harness (tests/interop/lib/confrere.mjs).
// Screenshots of the main pages go to docs/screenshots/ (CONFRERE_SCREENSHOTS to change).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";

import { DEFAULT_PASSWORD, startConfrere } from "../interop/lib/confrere.mjs";
import { launchChromium, screenshots, signIn as signInAt } from "./lib/browser.mjs";


let instance;
let browser;

before(async () => {
    instance = await startConfrere({ members: [{ username: "admin", role: "admin", firstName: "Anne", lastName: "Admin" }] });
    browser = await launchChromium();
});

after(async () => {
    await browser?.close();
    await instance?.stop();
});

// An 11-digit RPPS with a valid Luhn key, from 10 digits.
function rpps(prefix10) {
    const digits = prefix10.split("").map(Number);
    for (let key = 0; key < 10; key++) {
        const all = [...digits, key];
        let sum = 0;
        all.reverse().forEach((d, i) => {
            let v = d;
            if (i % 2 === 1) {
                v *= 2;
                if (v > 9) v -= 9;
            }
            sum += v;
        });
        if (sum % 10 === 0) return prefix10 + key;
    }
    throw new Error("unreachable");
}

async function newPage({ width = 1024, height = 800, locale = "fr-FR" } = {}) {
    const context = await browser.newContext({ viewport: { width, height }, locale });
    const page = await context.newPage();
    return { context, page };
}

function signIn(page, login, password = DEFAULT_PASSWORD) {
    return signInAt(page, instance.baseUrl, login, password);
}

async function fillRegistration(page, { username, identifier, password = "Mot-de-passe-2024" }) {
    await page.goto(`${instance.baseUrl}/register`);
    await page.fill("#username", username);
    await page.fill("#email", `${username}@example.test`);
    await page.fill("#password", password);
    await page.fill("#first_name", "Élodie");
    await page.fill("#last_name", "Lefèvre");
    await page.selectOption("#identifier_kind", "rpps");
    await page.fill("#identifier", identifier);
    await page.check("#agreement");
}

test("register, approved in the moderator queue, sign in, post, reply in a thread, switch language, sign out", async () => {
    const applicant = await newPage();
    const page = applicant.page;
    const identifier = rpps("1000123456");
    await fillRegistration(page, { username: "elodie", identifier: identifier.slice(0, 10) + ((Number(identifier[10]) + 1) % 10) });
    // The instant check (JavaScript, an enhancement only) tells of the wrong key at once.
    await assert.doesNotReject(page.waitForFunction(() => document.querySelector("#identifier-feedback").className.includes("bad")));
    assert.match(await page.textContent("#identifier-feedback"), /clé de contrôle/);
    await page.fill("#identifier", identifier);
    assert.match(await page.textContent("#identifier-feedback"), /corrects/);
    await page.click("main button[type=submit]");
    await page.waitForURL(/\/registration$/);
    assert.match(await page.textContent("main"), /en attente de validation/);

    // A pending member sees only the status page.
    await page.goto(`${instance.baseUrl}/home`);
    assert.match(page.url(), /\/registration$/);
    await page.goto(`${instance.baseUrl}/local`);
    assert.match(page.url(), /\/registration$/);

    // The admin approves in the queue.
    const moderator = await newPage();
    await signIn(moderator.page, "admin");
    await moderator.page.waitForURL(/\/home$/);
    await moderator.page.goto(`${instance.baseUrl}/admin/registrations`);
    const application = moderator.page.locator("section.application", { hasText: "@elodie" });
    assert.match(await application.textContent(), new RegExp(identifier));
    await moderator.page.screenshot({ path: path.join(screenshots, "moderation-queue.png"), fullPage: true });
    await application.locator("button", { hasText: "Valider" }).click();
    await moderator.page.waitForSelector("text=Demande validée");

    // The applicant's session now opens the member pages; she signs out and in again through
    // the login page, then posts to the instance.
    await page.goto(`${instance.baseUrl}/home`);
    assert.match(page.url(), /\/home$/);
    await page.click("header form[action='/logout'] button");
    await page.waitForURL(/\/login$/);
    await signIn(page, "elodie", "Mot-de-passe-2024");
    await page.waitForURL(/\/home$/);
    await page.fill("#status", "Bonjour à tous : quelqu'un a-t-il un protocole pour les ruptures de stock d'amoxicilline ?");
    await page.check("input[name=audience][value=instance]");
    await page.screenshot({ path: path.join(screenshots, "compose.png") });
    await page.click("#compose button[type=submit]");
    await page.waitForURL(/\/statuses\/\d+$/);
    const threadUrl = page.url();

    // The admin replies in the thread; the reply is nested under the post, audience shown.
    await moderator.page.goto(threadUrl);
    await moderator.page.fill("#status", "Oui : nous passons par le grossiste répartiteur, je vous envoie la procédure.");
    await moderator.page.click("#compose button[type=submit]");
    await moderator.page.waitForURL(/\/statuses\/\d+$/);
    await page.goto(threadUrl);
    const nested = page.locator("article.focus-status ~ ul.replies article", { hasText: "grossiste" });
    assert.equal(await nested.count(), 1);
    assert.equal(await page.locator("article.focus-status .audience-instance").count(), 1);
    await page.screenshot({ path: path.join(screenshots, "thread.png"), fullPage: true });

    // And answers it herself from the thread.
    await page.fill("#status", "Merci beaucoup !");
    await page.click("#compose button[type=submit]");
    await page.waitForURL(/\/statuses\/\d+$/);
    await page.goto(`${instance.baseUrl}/home`);
    assert.match(await page.textContent("main"), /Merci beaucoup/);
    await page.screenshot({ path: path.join(screenshots, "home.png"), fullPage: true });
    // Responsive from 360 px: the home page and the thread never scroll sideways.
    await page.setViewportSize({ width: 360, height: 740 });
    for (const url of [`${instance.baseUrl}/home`, threadUrl]) {
        await page.goto(url);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${url} is wider than 360 px by ${overflow}px`);
    }
    await page.setViewportSize({ width: 1024, height: 800 });

    // The admin opens a group from the directory; she finds it in /groups, joins it from its
    // page and posts in it.
    await moderator.page.goto(`${instance.baseUrl}/groups`);
    await moderator.page.fill("#name", "pied");
    await moderator.page.fill("#display_name", "Pied diabétique");
    await moderator.page.fill("#description", "Plaies du pied diabétique : cas cliniques et protocoles.");
    await moderator.page.fill("#tags", "diabete plaies");
    await moderator.page.click("form[action='/groups'][method=post] button[type=submit]");
    await moderator.page.waitForURL(/\/g\/pied$/);
    await page.goto(`${instance.baseUrl}/groups`);
    await page.click("article.group a[href='/g/pied']");
    await page.waitForURL(/\/g\/pied$/);
    assert.equal(await page.locator("#compose").count(), 0, "no compose form before joining");
    await page.click("form[action='/g/pied/join'] button");
    await page.waitForURL(/\/g\/pied$/);
    assert.match(await page.textContent("main"), /2 membres/);
    await page.fill("#status", "Cas clinique : mal perforant plantaire, quel pansement en officine ?");
    await page.click("#compose button[type=submit]");
    await page.waitForURL(/\/statuses\/\d+$/);
    await page.goto(`${instance.baseUrl}/g/pied`);
    assert.match(await page.textContent("main"), /mal perforant plantaire/);
    await page.screenshot({ path: path.join(screenshots, "group.png"), fullPage: true });

    // The admin's instance settings: the charter, then the name shown at once in every header.
    await moderator.page.goto(`${instance.baseUrl}/admin/settings`);
    await moderator.page.fill("#name", "Confrère Bretagne");
    await moderator.page.fill("#description", "Pharmaciens, infirmiers et podologues de Bretagne.");
    await moderator.page.fill("#rules", "Le secret médical s'applique à chaque message.\nAucun nom de patient, aucune photo identifiante.\nPas de publicité pour un produit ou un laboratoire.");
    await moderator.page.click("main form[action='/admin/settings'] button[type=submit]");
    await moderator.page.waitForSelector("text=Réglages enregistrés");
    assert.match(await moderator.page.textContent("header .brand"), /Confrère Bretagne/);
    await moderator.page.screenshot({ path: path.join(screenshots, "settings.png"), fullPage: true });
    await page.goto(`${instance.baseUrl}/home`);
    assert.match(await page.title(), /Confrère Bretagne/);

    // Switch to English (the account keeps the choice), then sign out.
    await page.selectOption("#language", "en");
    await page.click("footer button[type=submit]");
    await page.waitForSelector("html[lang=en]");
    assert.match(await page.textContent("header"), /Sign out/);
    await page.click("header form[action='/logout'] button");
    await page.waitForURL(/\/login$/);
    assert.equal(await page.getAttribute("html", "lang"), "en");

    await applicant.context.close();
    await moderator.context.close();
});

test("bad input on registration shows translated errors next to the fields and keeps the values", async () => {
    const { context, page } = await newPage({ width: 360, height: 740 });
    // Keyboard first: the first Tab reaches the skip link, which leads to the main content.
    await page.goto(`${instance.baseUrl}/register`);
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute("href")), "#main");
    await fillRegistration(page, { username: "bad name!", identifier: rpps("1000999999") });
    await page.click("main button[type=submit]");
    const error = page.locator("#username-error");
    assert.match(await error.textContent(), /lettres, des chiffres/);
    assert.equal(await page.getAttribute("#username", "aria-invalid"), "true");
    assert.equal(await page.inputValue("#username"), "bad name!");
    assert.equal(await page.inputValue("#first_name"), "Élodie");
    assert.equal(await page.inputValue("#password"), "", "the password is never sent back");
    // Responsive from 360 px: nothing overflows sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page wider than the viewport by ${overflow}px`);
    await context.close();
});

test("a form posted without its CSRF token is refused with a translated page", async () => {
    const { context, page } = await newPage();
    await signIn(page, "admin");
    await page.waitForURL(/\/home$/);
    await page.fill("#status", "Ce message ne doit pas partir");
    await page.evaluate(() => document.querySelector("#compose input[name=csrf]").remove());
    await page.click("#compose button[type=submit]");
    await page.waitForSelector("text=Ce formulaire a expiré");
    await page.goto(`${instance.baseUrl}/local`);
    assert.doesNotMatch(await page.textContent("main"), /ne doit pas partir/);
    await context.close();
});
