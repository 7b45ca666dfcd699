#pragma once
// Whole numbers read from a JSON file the user (or anyone) can edit. nlohmann's get<int>() casts whatever
// number the file holds: 1e300 or 3.5 into an integer is undefined behaviour, 70000 into 16 bits wraps. These
// accept only an integer within [lo, hi] and otherwise throw nlohmann::json::out_of_range, which the file's
// reader reports as a damaged file (Project::load: ProjectError naming the file). Found by fuzz/fuzz_project.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>
#include <string>

namespace tt {

template <typename T>
T jsonWhole(const nlohmann::json &v, const char *what, T lo = std::numeric_limits<T>::min(),
            T hi = std::numeric_limits<T>::max())
{
    static_assert(std::is_integral_v<T> && (std::is_signed_v<T> || sizeof(T) < 8), "bounds are compared as int64");
    std::optional<std::int64_t> i;
    if (v.is_number_unsigned()) {
        const std::uint64_t u = v.get<std::uint64_t>();
        if (u <= std::uint64_t(std::numeric_limits<std::int64_t>::max()))
            i = std::int64_t(u);
    } else if (v.is_number_integer()) {
        i = v.get<std::int64_t>();
    }
    if (i && *i >= std::int64_t(lo) && *i <= std::int64_t(hi))
        return T(*i);
    throw nlohmann::json::out_of_range::create(
        406, std::string(what) + " is not a whole number from " + std::to_string(lo) + " to " + std::to_string(hi)
                 + ": " + v.dump().substr(0, 40),
        static_cast<const nlohmann::json *>(nullptr));
}

// obj[key] as above; fallback when obj has no such key. obj must be an object.
template <typename T>
T jsonWholeAt(const nlohmann::json &obj, const char *key, T fallback, T lo = std::numeric_limits<T>::min(),
            T hi = std::numeric_limits<T>::max())
{
    if (!obj.is_object())
        throw nlohmann::json::type_error::create(306, std::string("no object holds ") + key,
                                                 static_cast<const nlohmann::json *>(nullptr));
    const auto it = obj.find(key);
    return it == obj.end() ? fallback : jsonWhole<T>(*it, key, lo, hi);
}

} // namespace tt
