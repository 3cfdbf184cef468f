// Starts fedify-peer.mjs as a child process and drives it through its control API.
import { fileURLToPath } from "node:url";

import { httpJson, spawnTracked, stopChild, tail } from "./util.mjs";

const PEER_SCRIPT = fileURLToPath(new URL("../fedify-peer.mjs", import.meta.url));

// `tlsFiles` ({certPath, keyPath}): the peer's port also answers HTTPS with this certificate,
// and the peer trusts it (NODE_EXTRA_CA_CERTS) to reach fronts that use it.
export async function startPeer({ tlsFiles, lifetimeSeconds = 600, username = "fedi", logLevel } = {}) {
    const args = [PEER_SCRIPT, "--watch-stdin", "--lifetime", String(lifetimeSeconds), "--username", username];
    if (tlsFiles) args.push("--tls-cert", tlsFiles.certPath, "--tls-key", tlsFiles.keyPath);
    if (logLevel ?? process.env.FEDIFY_PEER_LOG) args.push("--log-level", logLevel ?? process.env.FEDIFY_PEER_LOG);
    const env = { ...process.env };
    if (tlsFiles) env.NODE_EXTRA_CA_CERTS = tlsFiles.certPath;
    const child = spawnTracked(process.execPath, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const ready = new Promise((resolve, reject) => {
        child.stdout.on("data", (d) => {
            stdout += d;
            const end = stdout.indexOf("\n");
            if (end < 0) return;
            try {
                resolve(JSON.parse(stdout.slice(0, end)));
            } catch {
                reject(new Error(`fedify-peer: unexpected first line ${JSON.stringify(stdout.slice(0, end))}`));
            }
        });
        child.once("exit", (code) => reject(new Error(`fedify-peer exited with ${code} before it was ready:\n${tail(stderr)}`)));
        child.once("error", reject);
    });
    const timeout = setTimeout(() => child.kill("SIGKILL"), 30_000);
    let info;
    try {
        info = await ready;
    } finally {
        clearTimeout(timeout);
    }
    const control = `http://127.0.0.1:${info.controlPort}`;

    async function call(method, path, body) {
        const answer = await httpJson(`${control}${path}`, { method, body, timeoutMs: 30_000 });
        if (answer.status !== 200) {
            throw new Error(`fedify-peer ${method} ${path} answered ${answer.status}: ${answer.text}`);
        }
        return answer.json;
    }

    return {
        ...info, // port, controlPort, origin, actor, handle, fedifyVersion
        host: `127.0.0.1:${info.port}`,
        get: (path) => call("GET", path),
        post: (path, body = {}) => call("POST", path, body),
        // Shortcuts for the control API (README.md lists it).
        // `signed`: the actor is fetched with a signed GET (what a trusted peer reads).
        lookup: (handleOrUrl, { signed = false } = {}) =>
            call("POST", "/control/lookup", { ...(/^https?:/.test(handleOrUrl) ? { url: handleOrUrl } : { handle: handleOrUrl }), signed }),
        follow: (target) => call("POST", "/control/follow", /^https?:/.test(target) ? { actor: target } : { handle: target }),
        unfollow: (target) => call("POST", "/control/unfollow", /^https?:/.test(target) ? { actor: target } : { handle: target }),
        note: (body) => call("POST", "/control/note", body),
        updateNote: (id, content) => call("POST", "/control/update", { id, content }),
        deleteNote: (id) => call("POST", "/control/delete", { id }),
        like: (object, actor) => call("POST", "/control/like", { object, actor }),
        undoLike: (object) => call("POST", "/control/undo-like", { object }),
        signedFetch: (url) => call("POST", "/control/fetch", { url }),
        nodeInfo: (url) => call("POST", "/control/nodeinfo", { url }),
        inbox: () => call("GET", "/control/inbox"),
        followers: async () => (await call("GET", "/control/followers")).followers,
        following: async () => (await call("GET", "/control/following")).following,
        sent: async () => (await call("GET", "/control/sent")).deliveries,
        logTail: () => tail(stderr),
        async stop() {
            child.stdin.end(); // the peer exits on its own when stdin closes; SIGTERM, then SIGKILL, if not
            await stopChild(child, { graceMs: 3000 });
        },
    };
}
