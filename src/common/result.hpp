// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A small expected-like type: the I/O path and the parsers return errors as values (STYLE.md rule 8).
// std::expected is C++23 and Debian 12's toolchain lacks it.
#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace lbd {

template <typename E>
struct unexpected {
  explicit unexpected(E e) : error(std::move(e)) {}
  E error;
};
template <typename E>
unexpected(E) -> unexpected<E>;

template <typename T, typename E>
class result {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor): implicit like std::expected
  result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  template <typename G>
  // NOLINTNEXTLINE(google-explicit-constructor)
  result(unexpected<G> e) : v_(std::in_place_index<1>, E(std::move(e.error))) {}

  [[nodiscard]] bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }
  const E& error() const& {
    assert(!has_value());
    return std::get<1>(v_);
  }
  E&& error() && {
    assert(!has_value());
    return std::get<1>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, E> v_;
};

// result<void, E>: success carries nothing.
struct ok_t {};
template <typename E>
using status = result<ok_t, E>;
inline constexpr ok_t ok{};

}  // namespace lbd
