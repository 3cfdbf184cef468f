#include "core/base/id.hpp"

namespace confrere {

Id IdGenerator::next()
{
    std::int64_t candidate = to_unix_ms(clock_.now()) << 16;
    std::lock_guard lock(mutex_);
    last_ = candidate > last_ ? candidate : last_ + 1;
    return last_;
}

} // namespace confrere
