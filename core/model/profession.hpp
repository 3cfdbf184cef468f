#pragma once

#include <string>

namespace confrere::model {

// French label of a TRE_G15 profession code (health-domain notes §2.4); "" for 0.
std::string profession_label(int code);

// Whether `code` is a TRE_G15 profession code this server knows (a label of its own).
bool is_known_profession(int code);

} // namespace confrere::model
