// RAII for C handles: one stateless deleter template, unique_ptr aliases per resource.
#pragma once

#include <memory>

namespace confrere {

template <auto FreeFn>
struct CDeleter {
    template <class T>
    void operator()(T* p) const noexcept
    {
        if (p != nullptr)
            FreeFn(p);
    }
};

template <class T, auto FreeFn>
using CHandle = std::unique_ptr<T, CDeleter<FreeFn>>;

} // namespace confrere
