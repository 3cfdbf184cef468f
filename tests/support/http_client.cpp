#include "tests/support/http_client.hpp"

#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <random>

namespace confrere::testkit {

namespace {

constexpr const char* session_cookie_name = "confrere_session";

std::string trim(std::string_view s)
{
    auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
    while (!s.empty() && is_space(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && is_space(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return std::string(s);
}

std::string lower(std::string_view s)
{
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool is_state_changing(const std::string& method)
{
    return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

std::string random_boundary()
{
    std::random_device device;
    std::uniform_int_distribution<int> digit(0, 15);
    std::string boundary = "----ConfrereTestBoundary";
    for (int i = 0; i < 16; ++i)
        boundary += "0123456789abcdef"[digit(device)];
    return boundary;
}

} // namespace

std::string HttpResponse::header(std::string_view name) const
{
    auto it = headers.find(std::string(name));
    return it == headers.end() ? std::string() : it->second;
}

std::vector<std::string> HttpResponse::header_values(std::string_view name) const
{
    std::vector<std::string> values;
    auto [first, last] = headers.equal_range(std::string(name));
    for (auto it = first; it != last; ++it)
        values.push_back(it->second);
    return values;
}

rapidjson::Document HttpResponse::json() const
{
    return parse_json(body);
}

std::ostream& operator<<(std::ostream& os, const HttpResponse& response)
{
    if (response.status == 0)
        return os << "no HTTP response (" << response.transport_error << ")";
    constexpr std::size_t shown = 2000;
    os << "HTTP " << response.status << ' ' << response.header("Content-Type") << ' '
       << response.body.substr(0, shown);
    if (response.body.size() > shown)
        os << "…(" << response.body.size() << " bytes)";
    return os;
}

rapidjson::Document parse_json(std::string_view text)
{
    rapidjson::Document document;
    document.Parse(text.data(), text.size());
    return document;
}

const rapidjson::Value* json_at(const rapidjson::Value& root, const char* pointer)
{
    rapidjson::Pointer parsed(pointer);
    if (!parsed.IsValid())
        return nullptr;
    return parsed.Get(root);
}

std::string json_string(const rapidjson::Value& root, const char* pointer)
{
    const auto* value = json_at(root, pointer);
    if (value == nullptr || !value->IsString())
        return {};
    return std::string(value->GetString(), value->GetStringLength());
}

std::string to_json_text(const rapidjson::Value& value)
{
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string percent_encode(std::string_view text)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

std::string url_encode_form(const FormFields& fields)
{
    std::string body;
    for (const auto& [name, value] : fields) {
        if (!body.empty())
            body += '&';
        body += percent_encode(name);
        body += '=';
        body += percent_encode(value);
    }
    return body;
}

HttpClient::HttpClient(std::string host, int port) : host_(std::move(host)), port_(port) {}

HttpResponse HttpClient::get(const std::string& path, const httplib::Headers& headers)
{
    return request("GET", path, {}, {}, headers);
}

HttpResponse HttpClient::post_form(const std::string& path, const FormFields& fields,
                                   const httplib::Headers& headers)
{
    return request("POST", path, url_encode_form(fields), "application/x-www-form-urlencoded",
                   headers);
}

HttpResponse HttpClient::post_json(const std::string& path, std::string_view json,
                                   const httplib::Headers& headers)
{
    return request("POST", path, json, "application/json", headers);
}

HttpResponse HttpClient::post_multipart(const std::string& path,
                                        const std::vector<FormPart>& parts,
                                        const httplib::Headers& headers)
{
    // RFC 7578: each part has a Content-Disposition naming the field (and file).
    const std::string boundary = random_boundary();
    std::string body;
    for (const auto& part : parts) {
        body += "--" + boundary + "\r\n";
        body += "Content-Disposition: form-data; name=\"" + part.name + "\"";
        if (!part.filename.empty())
            body += "; filename=\"" + part.filename + "\"";
        body += "\r\n";
        if (!part.content_type.empty())
            body += "Content-Type: " + part.content_type + "\r\n";
        body += "\r\n";
        body += part.content;
        body += "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    return request("POST", path, body, "multipart/form-data; boundary=" + boundary, headers);
}

HttpResponse HttpClient::post_body(const std::string& path, std::string_view body,
                                   const std::string& content_type,
                                   const httplib::Headers& headers)
{
    return request("POST", path, body, content_type, headers);
}

HttpResponse HttpClient::del(const std::string& path, const httplib::Headers& headers)
{
    return request("DELETE", path, {}, {}, headers);
}

HttpResponse HttpClient::request(const std::string& method, const std::string& path,
                                 std::string_view body, const std::string& content_type,
                                 const httplib::Headers& headers)
{
    httplib::Client client(host_, port_);
    client.set_connection_timeout(std::chrono::seconds(5));
    // Registration hashes a password; on two shared cores that can take a while.
    client.set_read_timeout(std::chrono::seconds(30));
    client.set_write_timeout(std::chrono::seconds(10));
    client.set_url_encode(false);  // tests control the exact bytes of the target
    client.set_follow_location(false);

    httplib::Request req;
    req.method = method;
    req.path = path;
    req.headers = headers;
    req.body = std::string(body);
    if (!content_type.empty() && !req.has_header("Content-Type"))
        req.headers.emplace("Content-Type", content_type);
    if (!cookies_.empty() && !req.has_header("Cookie")) {
        std::string cookie_header;
        for (const auto& [name, value] : cookies_) {
            if (!cookie_header.empty())
                cookie_header += "; ";
            cookie_header += name + "=" + value;
        }
        req.headers.emplace("Cookie", cookie_header);
    }
    if (csrf_mode_ == CsrfHeader::Automatic && is_state_changing(method) &&
        !csrf_token_.empty() && !req.has_header("X-CSRF-Token"))
        req.headers.emplace("X-CSRF-Token", csrf_token_);
    if (!bearer_.empty() && !req.has_header("Authorization"))
        req.headers.emplace("Authorization", "Bearer " + bearer_);

    HttpResponse response;
    auto result = client.send(req);
    if (!result) {
        response.transport_error = httplib::to_string(result.error());
        return response;
    }
    response.status = result->status;
    response.headers = result->headers;
    response.body = result->body;
    remember(response);
    return response;
}

HttpResponse HttpClient::sign_in(const std::string& login, const std::string& password)
{
    rapidjson::Document body(rapidjson::kObjectType);
    auto& alloc = body.GetAllocator();
    body.AddMember("login", rapidjson::Value(login.c_str(), alloc), alloc);
    body.AddMember("password", rapidjson::Value(password.c_str(), alloc), alloc);
    return post_json("/auth/sign_in", to_json_text(body));
}

void HttpClient::remember(const HttpResponse& response)
{
    // RFC 6265 §5.2: name=value before the first ';', attributes after it.
    for (const auto& set_cookie : response.header_values("Set-Cookie")) {
        const std::string_view line(set_cookie);
        const auto pair_end = line.find(';');
        const auto pair = line.substr(0, pair_end);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos)
            continue;
        const auto name = trim(pair.substr(0, eq));
        const auto value = trim(pair.substr(eq + 1));
        const auto attributes = lower(pair_end == std::string_view::npos ? std::string_view()
                                                                         : line.substr(pair_end));
        const bool expired = attributes.find("max-age=0") != std::string::npos ||
                             attributes.find("expires=thu, 01 jan 1970") != std::string::npos;
        if (value.empty() || expired)
            cookies_.erase(name);
        else
            cookies_[name] = value;
    }
    if (response.header("Content-Type").find("json") == std::string::npos)
        return;
    const auto document = response.json();
    if (!document.HasParseError() && document.IsObject()) {
        auto token = json_string(document, "/csrf_token");
        if (!token.empty())
            csrf_token_ = std::move(token);
    }
}

std::optional<std::string> HttpClient::cookie(const std::string& name) const
{
    auto it = cookies_.find(name);
    if (it == cookies_.end())
        return std::nullopt;
    return it->second;
}

void HttpClient::set_cookie(const std::string& name, const std::string& value)
{
    cookies_[name] = value;
}

void HttpClient::clear_cookies()
{
    cookies_.clear();
}

std::string HttpClient::session_token() const
{
    return cookie(session_cookie_name).value_or("");
}

RawConnection::~RawConnection()
{
    if (fd_ >= 0)
        ::close(fd_);
}

bool RawConnection::connect(int port)
{
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        error_ = std::string("socket: ") + std::strerror(errno);
        return false;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        error_ = std::string("connect: ") + std::strerror(errno);
        return false;
    }
    return true;
}

bool RawConnection::send(std::string_view bytes)
{
    while (!bytes.empty()) {
        const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            error_ = std::string("send: ") + std::strerror(errno);
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool RawConnection::read_some(std::string& into, std::chrono::steady_clock::time_point deadline)
{
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
        return false;
    pollfd waiting{fd_, POLLIN, 0};
    const int ready = ::poll(&waiting, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR)
        return true;
    if (ready <= 0)
        return false;
    char buffer[16384];
    const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR)
        return true;
    if (n <= 0)
        return false;  // closed (or reset)
    into.append(buffer, static_cast<std::size_t>(n));
    return true;
}

std::string RawConnection::read_response(std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string data = std::move(pending_);
    pending_.clear();
    auto head_end = data.find("\r\n\r\n");
    while (head_end == std::string::npos) {
        if (!read_some(data, deadline))
            return data;
        head_end = data.find("\r\n\r\n");
    }
    const auto head = lower(std::string_view(data).substr(0, head_end));
    const auto body_start = head_end + 4;
    const auto length_at = head.find("\ncontent-length:");
    if (length_at != std::string::npos) {
        const auto length = std::stoull(head.substr(length_at + 16));
        while (data.size() < body_start + length)
            if (!read_some(data, deadline))
                return data;
        pending_ = data.substr(body_start + length);
        data.resize(body_start + length);
        return data;
    }
    if (head.find("\ntransfer-encoding: chunked") != std::string::npos) {
        while (data.find("\r\n0\r\n\r\n", body_start - 2) == std::string::npos)
            if (!read_some(data, deadline))
                return data;
        return data;
    }
    if (head.rfind("http/1.1 204", 0) == 0 || head.rfind("http/1.1 304", 0) == 0)
        return data;
    while (read_some(data, deadline)) {
    }
    return data;
}

std::string RawConnection::read_until_close(std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string data = std::move(pending_);
    pending_.clear();
    while (read_some(data, deadline)) {
    }
    return data;
}

int raw_status(std::string_view raw_response)
{
    // "HTTP/1.1 400 Bad Request"
    if (raw_response.substr(0, 5) != "HTTP/")
        return 0;
    const auto space = raw_response.find(' ');
    if (space == std::string_view::npos || raw_response.size() < space + 4)
        return 0;
    int status = 0;
    for (char c : raw_response.substr(space + 1, 3)) {
        if (c < '0' || c > '9')
            return 0;
        status = status * 10 + (c - '0');
    }
    return status;
}

} // namespace confrere::testkit
