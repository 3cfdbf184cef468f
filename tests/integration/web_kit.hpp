// What the web UI's integration tests share (beside scenario.hpp's csrf_of): looking for text
// in a page, pressing a form's button as a browser does, and signing in through the login page.
#pragma once

#include "tests/integration/scenario.hpp"

#include <regex>
#include <string>
#include <string_view>

namespace confrere::testkit {

inline bool contains(const std::string& body, std::string_view text)
{
    return body.find(text) != std::string::npos;
}

// Presses a button of `path`'s page whose form posts to `action`: the page first (its CSRF
// token), then the form with `fields`.
inline HttpResponse press(
    HttpClient& client, const std::string& path, const std::string& action, FormFields fields = {})
{
    auto page = client.get(path);
    EXPECT_EQ(page.status, 200) << page;
    EXPECT_TRUE(contains(page.body, "action=\"" + action + "\"")) << action << " on " << path;
    fields.emplace_back("csrf", csrf_of(page));
    return client.post_form(action, fields);
}

// Signs in through the login page, as a browser does: the page first (pre-session cookie and
// token), then the form.
inline HttpResponse web_sign_in(
    HttpClient& client, const std::string& login, const std::string& password = fixture_password)
{
    auto form = client.get("/login");
    EXPECT_EQ(form.status, 200) << form;
    return client.post_form("/login", { { "csrf", csrf_of(form) }, { "login", login }, { "password", password } });
}

} // namespace confrere::testkit
