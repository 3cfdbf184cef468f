// Starts a real Confrère instance for one test, as tests/support/instance.cpp does: a
// configuration file in a temporary directory, `confrere migrate`, accounts and trusted peers
// through `confrere admin`, then `confrere serve --port-file`.
//
// Confrère listens on an ephemeral loopback port Q; in front of it, a dual HTTP/HTTPS front
// (lib/dual-protocol.mjs) listens on port P, and base_url is http://127.0.0.1:P. Plain HTTP
// on P reaches Confrère unchanged; HTTPS on P is what Fedify's WebFinger client uses for
// `alice@127.0.0.1:P` (it always asks https for acct: handles).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { startDualFront } from "./dual-protocol.mjs";
import { httpJson, readText, run, spawnTracked, stopChild, tail } from "./util.mjs";

export const CONFRERE_BINARY = process.env.CONFRERE_BINARY ?? "/work/main/build/server/confrere";
export const DEFAULT_PASSWORD = "interop-password-1";

const hasSetpriv = fs.existsSync("/usr/bin/setpriv");

function tomlString(s) {
    return `"${String(s).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

// members: [{username, password?, role?, validated? (default true), firstName?, lastName?}]
// trustedPeers: ["127.0.0.1:PORT", …] (confrere admin peer add)
export async function startConfrere({ tlsFiles, members = [{ username: "alice" }], trustedPeers = [], logLevel = "info" } = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "confrere-interop-"));
    const configPath = path.join(dir, "confrere.toml");
    const logPath = path.join(dir, "serve.log");
    let internalPort = 0;
    const front = await startDualFront({ port: 0, targetPort: () => internalPort, tlsFiles });
    const port = front.address().port;
    const host = `127.0.0.1:${port}`;
    const baseUrl = `http://${host}`;

    fs.writeFileSync(configPath, [
        "[instance]",
        `base_url = ${tomlString(baseUrl)}`,
        'name = "Confrère interop"',
        'description = "Instance de test (interopérabilité Fedify)"',
        'languages = ["fr", "en"]',
        "professions = [21]",
        'registration = "approval"',
        "",
        "[http]",
        'listen_address = "127.0.0.1"',
        "port = 0",
        "io_threads = 1",
        "worker_threads = 4",
        "public_cache_seconds = 0",
        "shutdown_grace_seconds = 2",
        "",
        "[limits]",
        "sign_in_attempts = 0",
        "registrations = 0",
        "",
        "[storage]",
        'data_dir = "data"',
        "",
        "[federation]",
        'mode = "allowlist"',
        "allow_private_addresses = true",
        "",
        "[log]",
        `level = ${tomlString(logLevel)}`,
        "",
    ].join("\n"));

    let serve = null;
    const instance = {
        dir,
        configPath,
        port, // the public port (the front), as in base_url
        get internalPort() {
            return internalPort;
        },
        host,
        baseUrl,
        handle: (username) => `${username}@${host}`,
        actorUrl: (username) => `${baseUrl}/users/${username}`,
        // confrere <args…> with --config; resolves to {code, stdout, stderr}.
        command: (args, input) => run(CONFRERE_BINARY, args, { input, cwd: dir }),
        admin: (args, input) => run(CONFRERE_BINARY, ["admin", "--config", configPath, ...args], { input, cwd: dir }),
        logTail: () => tail(readText(logPath)),
        // Plain HTTP to the public port: {status, headers, text, json}.
        request: (pathname, init) => httpJson(`${baseUrl}${pathname}`, init),
        async stop() {
            if (serve) await stopChild(serve, { graceMs: 5000 });
            serve = null;
            await front.shutdown();
            if (process.env.CONFRERE_KEEP_TEST_DIRS) {
                process.stderr.write(`interop: kept ${dir}\n`);
            } else {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        },
    };

    try {
        await check(instance.command(["migrate", "--config", configPath]), "confrere migrate");
        for (const member of members) await createAccount(instance, member);
        for (const peer of trustedPeers) await check(instance.admin(["peer", "add", peer, "--note", "Fedify interop peer"]), `peer add ${peer}`);

        const portFile = path.join(dir, "port");
        const serveArgs = ["serve", "--config", configPath, "--port-file", portFile];
        const logFd = fs.openSync(logPath, "a");
        const env = { ...process.env };
        // Should Confrère's WebFinger client use https for `fedi@127.0.0.1:F`, the peer's
        // port answers it with the test certificate; OpenSSL's default verify paths honour
        // SSL_CERT_FILE.
        if (tlsFiles) env.SSL_CERT_FILE = tlsFiles.certPath;
        serve = hasSetpriv
            ? spawnTracked("setpriv", ["--pdeathsig", "KILL", "--", CONFRERE_BINARY, ...serveArgs], { cwd: dir, env, stdio: ["ignore", logFd, logFd] })
            : spawnTracked(CONFRERE_BINARY, serveArgs, { cwd: dir, env, stdio: ["ignore", logFd, logFd] });
        fs.closeSync(logFd);
        const deadline = Date.now() + 20_000;
        for (;;) {
            if (serve.exitCode !== null || serve.signalCode !== null) {
                throw new Error(`confrere serve exited with ${serve.exitCode ?? serve.signalCode} before answering:\n${instance.logTail()}`);
            }
            const written = Number.parseInt(readText(portFile), 10);
            if (written > 0 && written < 65536) {
                internalPort = written;
                const health = await httpJson(`${baseUrl}/health`, { timeoutMs: 2000 }).catch(() => null);
                if (health?.status === 200) break;
            }
            if (Date.now() > deadline) throw new Error(`confrere serve did not answer GET /health within 20 s:\n${instance.logTail()}`);
            await sleep(50);
        }
        return instance;
    } catch (error) {
        await instance.stop();
        throw error;
    }
}

async function check(promise, what) {
    const result = await promise;
    if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
    return result;
}

// confrere admin create-account (also usable once the instance runs); `member` as in startConfrere.
export async function createAccount(instance, member) {
    const args = [
        "create-account",
        "--username", member.username,
        "--email", `${member.username}@interop.example`,
        "--password-stdin",
        "--role", member.role ?? "member",
        "--first-name", member.firstName ?? "Test",
        "--last-name", member.lastName ?? member.username,
        "--profession", "21",
    ];
    if (member.validated !== false) args.push("--validated");
    await check(instance.admin(args, `${member.password ?? DEFAULT_PASSWORD}\n`), `create-account ${member.username}`);
}

// A signed-in member driving Confrère through its Mastodon client API (Bearer session token).
// Past sign-in these are the Mastodon endpoints the federation work provides (GET
// /api/v1/accounts/lookup resolving remote handles, follow/unfollow, statuses, home timeline);
// Mastodon's relationships endpoint is assumed where named.
export async function signIn(instance, username, password = DEFAULT_PASSWORD) {
    const answer = await instance.request("/auth/sign_in", { method: "POST", body: { login: username, password } });
    if (answer.status !== 200) throw new Error(`sign-in of ${username} answered ${answer.status}: ${answer.text}`);
    const cookie = answer.headers.get("set-cookie") ?? "";
    const token = /confrere_session=([^;]+)/.exec(cookie)?.[1];
    if (!token) throw new Error(`sign-in of ${username}: no confrere_session cookie in ${JSON.stringify(cookie)}`);
    const api = (method, pathname, body) =>
        instance.request(pathname, { method, body, headers: { Authorization: `Bearer ${token}` } });
    return {
        username,
        token,
        account: answer.json,
        api,
        credentials: async () => (await api("GET", "/api/v1/accounts/verify_credentials")).json,
        // A remote handle (user@host) -> Mastodon Account; Confrère resolves it by WebFinger.
        async resolveAccount(acct) {
            const lookup = await api("GET", `/api/v1/accounts/lookup?acct=${encodeURIComponent(acct)}`);
            if (lookup.status !== 200) throw new Error(`cannot resolve ${acct}: ${lookup.status} ${lookup.text}`);
            return lookup.json;
        },
        follow: (accountId) => api("POST", `/api/v1/accounts/${accountId}/follow`),
        unfollow: (accountId) => api("POST", `/api/v1/accounts/${accountId}/unfollow`),
        // Assumed: Mastodon's GET /api/v1/accounts/relationships.
        relationship: async (accountId) => (await api("GET", `/api/v1/accounts/relationships?id[]=${accountId}`)).json?.[0],
        post: (fields) => api("POST", "/api/v1/statuses", fields),
        status: (id) => api("GET", `/api/v1/statuses/${id}`),
        deleteStatus: (id) => api("DELETE", `/api/v1/statuses/${id}`),
        homeTimeline: async () => (await api("GET", "/api/v1/timelines/home")).json,
    };
}
