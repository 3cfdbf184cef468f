// A loopback "front" that accepts plain HTTP *and* HTTPS on the same port and forwards the
// decrypted bytes to a plain-HTTP server on another loopback port.
//
// Why: ActivityPub ids in these tests are http://127.0.0.1:PORT/… (both servers are plain HTTP
// on loopback), but Fedify resolves a handle `user@127.0.0.1:PORT` with a WebFinger request to
// https://127.0.0.1:PORT/.well-known/webfinger — it always uses https for `acct:` URIs
// (node_modules/@fedify/fedify/esm/webfinger/lookup.js, `let protocol = "https:"`). The same
// authority must therefore answer both schemes. The first byte of a connection tells them
// apart: 0x16 is a TLS handshake record, an HTTP request starts with a method name.
//
// The certificate is self-signed for IP:127.0.0.1 and made at start with `openssl req`;
// clients trust it explicitly (NODE_EXTRA_CA_CERTS for Node, SSL_CERT_FILE for OpenSSL).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import tls from "node:tls";

const TLS_HANDSHAKE = 0x16;

// Writes cert.pem and key.pem (P-256, valid 2 days, SAN IP:127.0.0.1 and DNS:localhost) in
// `dir`. Returns their paths.
export function generateLoopbackCertificate(dir) {
    const certPath = path.join(dir, "cert.pem");
    const keyPath = path.join(dir, "key.pem");
    execFileSync("openssl", [
        "req", "-x509", "-nodes",
        "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-keyout", keyPath, "-out", certPath, "-days", "2",
        "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ], { stdio: ["ignore", "ignore", "pipe"] });
    return { certPath, keyPath };
}

// Listens on 127.0.0.1:`port` (0 = any) and forwards every connection, TLS-terminated if it
// starts with a TLS handshake, to 127.0.0.1:`targetPort` (a number, or a function returning
// it when a connection arrives: the front may have to exist before the server behind it, whose
// public URL names the front's port). `tlsFiles` = {certPath, keyPath}, or
// null for a plain pass-through. Resolves to the net.Server (`.address().port`); `.shutdown()`
// closes the listener and every open connection.
export async function startDualFront({ port = 0, targetPort, tlsFiles }) {
    const secureContext = tlsFiles
        ? tls.createSecureContext({
            cert: fs.readFileSync(tlsFiles.certPath),
            key: fs.readFileSync(tlsFiles.keyPath),
        })
        : null;
    const sockets = new Set();
    const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => socket.destroy());
        socket.once("data", (first) => {
            socket.pause();
            socket.unshift(first);
            const upstream = net.connect(typeof targetPort === "function" ? targetPort() : targetPort, "127.0.0.1");
            sockets.add(upstream);
            const client = secureContext && first[0] === TLS_HANDSHAKE
                ? new tls.TLSSocket(socket, { isServer: true, secureContext })
                : socket;
            const closeAll = () => {
                upstream.destroy();
                client.destroy();
                socket.destroy();
            };
            for (const s of [upstream, client]) {
                s.on("error", closeAll);
                s.on("close", closeAll);
            }
            upstream.on("close", () => sockets.delete(upstream));
            client.pipe(upstream).pipe(client);
        });
    });
    server.shutdown = () => new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
    });
    await new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => {
            server.off("error", reject);
            resolve();
        });
    });
    return server;
}
