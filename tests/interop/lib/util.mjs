// Child processes that never outlive the test process, command runs, polling.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const live = new Set();
// Last resort: a test file that crashes or is stopped still kills what it started. (A SIGKILLed
// test process cannot run this: Confrère is also started under `setpriv --pdeathsig`, and the
// Fedify peer watches its stdin, its parent and its own lifetime.)
process.on("exit", () => {
    for (const child of live) {
        try {
            child.kill("SIGKILL");
        } catch {
            // already gone
        }
    }
});

// Spawns a long-running child, tracked for the exit hook above.
export function spawnTracked(command, args, options) {
    const child = spawn(command, args, options);
    live.add(child);
    child.once("exit", () => live.delete(child));
    return child;
}

// Sends `signal`, waits up to `graceMs`, then SIGKILL. Resolves to the exit code or signal name.
export async function stopChild(child, { signal = "SIGTERM", graceMs = 5000 } = {}) {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode;
    const exited = new Promise((resolve) => child.once("exit", (code, sig) => resolve(code ?? sig)));
    child.kill(signal);
    const timer = sleep(graceMs).then(() => "timeout");
    let result = await Promise.race([exited, timer]);
    if (result === "timeout") {
        child.kill("SIGKILL");
        result = await exited;
    }
    return result;
}

// Runs a short command to completion. Resolves to {code, stdout, stderr}; never rejects on a
// non-zero exit (the caller asserts). Killed after `timeoutMs`.
export function run(command, args, { input, cwd, env, timeoutMs = 60_000 } = {}) {
    return new Promise((resolve, reject) => {
        const child = spawnTracked(command, args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        const timer = setTimeout(() => {
            stderr += `\n[harness] killed after ${timeoutMs} ms`;
            child.kill("SIGKILL");
        }, timeoutMs);
        child.on("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            resolve({ code: code ?? signal, stdout, stderr });
        });
        child.stdin.end(input ?? "");
    });
}

// Polls `probe` until it returns a truthy value (returned) or `timeoutMs` passes (throws with
// `what` and the last value seen).
export async function waitFor(what, probe, { timeoutMs = 10_000, intervalMs = 100 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
        try {
            last = await probe();
            if (last) return last;
        } catch (error) {
            last = error;
        }
        if (Date.now() >= deadline) {
            const seen = last instanceof Error ? last.stack : JSON.stringify(last, null, 2);
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen?.slice(0, 3000)}`);
        }
        await sleep(intervalMs);
    }
}

export function tail(text, max = 4000) {
    return text.length <= max ? text : `…${text.slice(-max)}`;
}

export function readText(path) {
    try {
        return fs.readFileSync(path, "utf8");
    } catch {
        return "";
    }
}

// JSON over HTTP with fetch. Resolves to {status, headers, text, json}.
export async function httpJson(url, { method = "GET", body, headers = {}, timeoutMs = 15_000 } = {}) {
    const init = { method, headers: { Accept: "application/json", ...headers }, signal: AbortSignal.timeout(timeoutMs) };
    if (body !== undefined) {
        init.body = typeof body === "string" ? body : JSON.stringify(body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
            init.headers["Content-Type"] = "application/json";
        }
    }
    const response = await fetch(url, init);
    const text = await response.text();
    let json = null;
    try {
        json = JSON.parse(text);
    } catch {
        // not JSON
    }
    return { status: response.status, headers: response.headers, text, json };
}
