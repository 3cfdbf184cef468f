// What the browser scenarios share: Debian's chromium launched headless, where screenshots go,
// and signing in through the login page as a member would.
import path from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

import { DEFAULT_PASSWORD } from "../../interop/lib/confrere.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

export const screenshots = process.env.CONFRERE_SCREENSHOTS ?? path.join(here, "..", "..", "..", "docs", "screenshots");

export function launchChromium() {
    return chromium.launch({
        executablePath: process.env.CONFRERE_CHROMIUM ?? "/usr/bin/chromium",
        args: ["--headless", "--no-sandbox", "--disable-gpu"],
    });
}

// Fills and sends the login form of the instance at `baseUrl` (the answer is not awaited).
export async function signIn(page, baseUrl, login, password = DEFAULT_PASSWORD) {
    await page.goto(`${baseUrl}/login`);
    await page.fill("#login", login);
    await page.fill("#password", password);
    await page.click("main button[type=submit]");
}
