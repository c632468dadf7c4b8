// SPDX-License-Identifier: GPL-2.0-or-later
#include "status/answers.hpp"
#include "status/json_fields.hpp"

namespace lbd::api {
namespace {

using detail::word_table;

constexpr word_table<health, 3> health_words{
    {{health::up, "up"}, {health::down, "down"}, {health::pending, "pending"}}};
constexpr word_table<override_kind, 2> override_words{
    {{override_kind::drain, "drain"}, {override_kind::weight, "weight"}}};
constexpr word_table<forwarding, 3> forwarding_words{
    {{forwarding::nat, "nat"}, {forwarding::dr, "dr"}, {forwarding::tun, "tun"}}};
constexpr word_table<vrrp_state, 4> vrrp_state_words{{{vrrp_state::init, "INIT"},
                                                      {vrrp_state::backup, "BACKUP"},
                                                      {vrrp_state::master, "MASTER"},
                                                      {vrrp_state::fault, "FAULT"}}};
constexpr word_table<reload_result, 3> reload_result_words{
    {{reload_result::ok, "ok"}, {reload_result::partial, "partial"}, {reload_result::refused, "refused"}}};

template <typename E, std::size_t N>
E word_from_json(const nlohmann::json& j, const word_table<E, N>& words, std::string_view what) {
  if (!j.is_string()) throw contract_error(fmt::format("{} must be a string, not {}", what, j.type_name()));
  return detail::parse_word(words, what, j.get_ref<const std::string&>());
}

}  // namespace

std::string_view to_string(health v) { return detail::word_of(health_words, v); }
std::string_view to_string(override_kind v) { return detail::word_of(override_words, v); }
std::string_view to_string(forwarding v) { return detail::word_of(forwarding_words, v); }
std::string_view to_string(vrrp_state v) { return detail::word_of(vrrp_state_words, v); }
std::string_view to_string(reload_result v) { return detail::word_of(reload_result_words, v); }

health parse_health(std::string_view s) { return detail::parse_word(health_words, "health", s); }
override_kind parse_override_kind(std::string_view s) { return detail::parse_word(override_words, "override", s); }
forwarding parse_forwarding(std::string_view s) { return detail::parse_word(forwarding_words, "forwarding", s); }
vrrp_state parse_vrrp_state(std::string_view s) { return detail::parse_word(vrrp_state_words, "VRRP state", s); }
reload_result parse_reload_result(std::string_view s) {
  return detail::parse_word(reload_result_words, "reload result", s);
}

void to_json(nlohmann::json& j, health v) { j = std::string(to_string(v)); }
void from_json(const nlohmann::json& j, health& v) { v = word_from_json(j, health_words, "health"); }
void to_json(nlohmann::json& j, override_kind v) { j = std::string(to_string(v)); }
void from_json(const nlohmann::json& j, override_kind& v) { v = word_from_json(j, override_words, "override"); }
void to_json(nlohmann::json& j, forwarding v) { j = std::string(to_string(v)); }
void from_json(const nlohmann::json& j, forwarding& v) { v = word_from_json(j, forwarding_words, "forwarding"); }
void to_json(nlohmann::json& j, vrrp_state v) { j = std::string(to_string(v)); }
void from_json(const nlohmann::json& j, vrrp_state& v) { v = word_from_json(j, vrrp_state_words, "VRRP state"); }
void to_json(nlohmann::json& j, reload_result v) { j = std::string(to_string(v)); }
void from_json(const nlohmann::json& j, reload_result& v) {
  v = word_from_json(j, reload_result_words, "reload result");
}

}  // namespace lbd::api
