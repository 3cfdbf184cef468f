#pragma once

#include <string>

namespace confrere::model {

// French label of a TRE_G15 profession code (health-domain notes §2.4); "" for 0.
std::string profession_label(int code);

} // namespace confrere::model
