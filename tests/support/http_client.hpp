// A thin loopback HTTP client for integration tests, over Debian's compiled cpp-httplib 0.11.
// It keeps what a browser would keep between requests (cookies, the CSRF token handed out at
// sign-in) so a test reads as a user's session. Test-only: it trusts the server it talks to.
#pragma once

#include <httplib.h>
#include <rapidjson/document.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace confrere::testkit {

struct HttpResponse {
    int status = 0;               // 0 when no response arrived (see transport_error)
    httplib::Headers headers;     // case-insensitive multimap
    std::string body;
    std::string transport_error;  // why no response arrived, empty otherwise

    // The first value of a header, or "" when absent.
    std::string header(std::string_view name) const;
    // Every value of a header (Set-Cookie comes several times).
    std::vector<std::string> header_values(std::string_view name) const;
    // The body parsed as JSON; check HasParseError() before use.
    rapidjson::Document json() const;
};

// "HTTP 422 application/json {…}" — for assertion messages (`EXPECT_EQ(r.status, 200) << r`).
std::ostream& operator<<(std::ostream& os, const HttpResponse& response);

// Parses JSON text; check HasParseError() on the result.
rapidjson::Document parse_json(std::string_view text);
// The value at a JSON Pointer (RFC 6901, "/confrere/precheck/outcome"), or nullptr.
const rapidjson::Value* json_at(const rapidjson::Value& root, const char* pointer);
// A pointer into a temporary document would dangle: keep the document in a variable.
const rapidjson::Value* json_at(rapidjson::Document&& root, const char* pointer) = delete;
// The string at a JSON Pointer, or "" when absent or not a string.
std::string json_string(const rapidjson::Value& root, const char* pointer);
// The value serialised back to compact JSON (for messages and substring checks).
std::string to_json_text(const rapidjson::Value& value);

// One part of a multipart/form-data body; a file part has a filename and a content type.
struct FormPart {
    std::string name;
    std::string content;
    std::string filename;
    std::string content_type;
};

using FormFields = std::vector<std::pair<std::string, std::string>>;

// application/x-www-form-urlencoded encoding of fields, in the given order.
std::string url_encode_form(const FormFields& fields);
// Percent-encodes everything but RFC 3986 unreserved characters.
std::string percent_encode(std::string_view text);

enum class CsrfHeader {
    Automatic,  // send X-CSRF-Token on POST/PUT/PATCH/DELETE when a token is known
    Omit,       // never send it (to test the refusal)
};

class HttpClient {
public:
    // A client for http://host:port; no connection is made until the first request.
    HttpClient(std::string host, int port);

    HttpResponse get(const std::string& path, const httplib::Headers& headers = {});
    HttpResponse post_form(const std::string& path, const FormFields& fields,
                           const httplib::Headers& headers = {});
    HttpResponse post_json(const std::string& path, std::string_view json,
                           const httplib::Headers& headers = {});
    HttpResponse post_multipart(const std::string& path, const std::vector<FormPart>& parts,
                                const httplib::Headers& headers = {});
    // POST with an arbitrary body and content type (empty content type: no header).
    HttpResponse post_body(const std::string& path, std::string_view body,
                           const std::string& content_type, const httplib::Headers& headers = {});
    HttpResponse del(const std::string& path, const httplib::Headers& headers = {});
    // Any method; the single path every helper above goes through.
    HttpResponse request(const std::string& method, const std::string& path,
                         std::string_view body, const std::string& content_type,
                         const httplib::Headers& headers);

    // POST /auth/sign_in with a JSON body; on 200 the session cookie and CSRF token are kept.
    HttpResponse sign_in(const std::string& login, const std::string& password);

    // Cookie jar: what Set-Cookie gave us, sent back as a Cookie header.
    std::optional<std::string> cookie(const std::string& name) const;
    void set_cookie(const std::string& name, const std::string& value);
    void clear_cookies();
    // The confrere_session cookie's value, or "" when not signed in.
    std::string session_token() const;

    // The last "csrf_token" member seen in a JSON response body, or "".
    const std::string& csrf_token() const { return csrf_token_; }
    void set_csrf_token(std::string token) { csrf_token_ = std::move(token); }
    void set_csrf_header(CsrfHeader mode) { csrf_mode_ = mode; }

    // Sends Authorization: Bearer <token> on every request ("" to stop).
    void set_bearer(std::string token) { bearer_ = std::move(token); }

private:
    void remember(const HttpResponse& response);

    std::string host_;
    int port_ = 0;
    std::map<std::string, std::string> cookies_;
    std::string csrf_token_;
    std::string bearer_;
    CsrfHeader csrf_mode_ = CsrfHeader::Automatic;
};

// A raw TCP connection to a loopback port, to send what a well-behaved client never would
// (malformed requests, oversized headers) or to time a request precisely. Closes on destruction.
class RawConnection {
public:
    RawConnection() = default;
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    // Connects to 127.0.0.1:port. False (with error()) on failure.
    bool connect(int port);
    // Writes all of `bytes`. False when the peer closed or the write failed.
    bool send(std::string_view bytes);
    // Reads one HTTP response (head, then a Content-Length or chunked body, or until close).
    // Returns what was read, possibly partial, when the deadline passes or the peer closes.
    std::string read_response(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Reads until the peer closes or the deadline passes.
    std::string read_until_close(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    const std::string& error() const { return error_; }

private:
    bool read_some(std::string& into, std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    std::string pending_;  // bytes read past the previous response
    std::string error_;
};

// The status code of a raw response ("HTTP/1.1 400 Bad Request…" → 400), 0 if unparsable.
int raw_status(std::string_view raw_response);

} // namespace confrere::testkit
