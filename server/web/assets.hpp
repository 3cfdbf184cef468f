// The files of webui/ (templates, static assets, catalogues), embedded into the binary at
// build time by webui/embed.cmake.
#pragma once

#include <span>
#include <string_view>

namespace confrere::server::web {

struct EmbeddedFile {
    std::string_view name; // relative to webui/: "templates/home.html", "static/app.css"
    std::string_view data;
};

// Every embedded file, sorted by name.
std::span<const EmbeddedFile> embedded_files();

} // namespace confrere::server::web
