// Errors are values: every fallible function returns Result<T>.
// See CONTRIBUTING.md, "Errors are values".
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace confrere {

// What went wrong, in the terms a caller can act on. server/http/error_response.cpp maps each
// kind to exactly one HTTP status; storage maps SQLite codes to kinds in one place.
enum class ErrorKind {
    InvalidInput,    // 400: malformed request (bad JSON, missing parameter)
    Unprocessable,   // 422: well-formed but refused by a rule (bad check key, duplicate)
    Unauthorized,    // 401: no or bad credentials
    Forbidden,       // 403: authenticated but not allowed (pending account, wrong role)
    NotFound,        // 404
    MethodNotAllowed,// 405: the path exists, not with this method
    Conflict,        // 409: concurrent change or unique constraint
    Gone,            // 410
    PayloadTooLarge, // 413
    TooManyRequests, // 429: a rate limit was reached
    Unavailable,     // 503: busy database, shutting down
    PeerFailed,      // 502: a remote server misbehaved
    Internal,        // 500: a bug or an environment failure (disk full)
};

// An error: a kind, a message safe to show to the requester, and a detail for the logs only.
// `detail` has no serialiser on purpose: it never reaches a client.
struct Error {
    ErrorKind kind = ErrorKind::Internal;
    std::string public_message;
    std::string detail;
    // Optional name of the offending input field (for "error next to the field" in forms and
    // the `details` object of API errors).
    std::string field;
};

// std::expected is not [[nodiscard]] in GCC 12; this wrapper makes every ignored Result warn.
template <class T>
class [[nodiscard]] Result : public std::expected<T, Error> {
public:
    using std::expected<T, Error>::expected;
    Result(const std::expected<T, Error>& e) : std::expected<T, Error>(e) {}
    Result(std::expected<T, Error>&& e) : std::expected<T, Error>(std::move(e)) {}
};

// Builds the unexpected side of a Result.
inline std::unexpected<Error> fail(ErrorKind kind, std::string public_message,
                                   std::string detail = {}, std::string field = {})
{
    return std::unexpected<Error>(
        Error{kind, std::move(public_message), std::move(detail), std::move(field)});
}

// Passes an error up unchanged: `if (!r) return forward(r);`
template <class T>
std::unexpected<Error> forward(const Result<T>& r)
{
    return std::unexpected<Error>(r.error());
}

using Status = Result<void>;

// Success value for Status-returning functions: `return ok();`
inline Status ok()
{
    return {};
}

} // namespace confrere
