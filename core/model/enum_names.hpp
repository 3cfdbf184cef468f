// The name tables of the model's enums (storage and the APIs write these names): one table of
// (value, name) pairs per enum, read both ways.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace confrere::model::enum_names {

template <class E, std::size_t N> using Table = std::array<std::pair<E, std::string_view>, N>;

// The value named `s`, or nullopt.
template <class E, std::size_t N> std::optional<E> lookup(const Table<E, N>& table, std::string_view s)
{
    for (const auto& [value, name] : table)
        if (name == s)
            return value;
    return std::nullopt;
}

// The name of `e`; "unknown" for a value missing from the table.
template <class E, std::size_t N> std::string_view name_of(const Table<E, N>& table, E e)
{
    for (const auto& [value, name] : table)
        if (value == e)
            return name;
    return "unknown";
}

} // namespace confrere::model::enum_names
