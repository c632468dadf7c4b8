// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The answers that grow with the table (services, status), and the envelope around an answer
// already written, as text without a tree of the whole document (status/json_text.hpp): the same
// bytes as nlohmann's dump of answer(json(value)).
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "status/answers.hpp"
#include "status/json_text.hpp"

namespace lbd::api {

// The services, the checks: indent < 0 compact (the control socket's one line), otherwise pretty,
// as dump(indent).
template <typename T>
std::string array_text(const std::vector<T>& items, int indent = -1) {
  std::string out;
  append_json_array(out, items, indent, 0);
  return out;
}
// Services made one at a time (the daemon makes each from its health, overrides and kernel view):
// `each(write)` calls write once per service, in order, `count` times. A director of 100,000 real
// servers then holds one service's answer at a time beside the text, not all of them (about 56 MB).
struct service_stream {
  std::size_t count = 0;
  std::function<void(const std::function<void(service&&)>& write)> each;
};
// A vector's services as a stream (the vector must outlive it).
service_stream stream_of(const std::vector<service>& services);
std::string services_text(const service_stream& services, int indent = -1);

// with_version: the protocol version as a member too (the metrics endpoint's /status.json, which
// has no envelope to carry it).
std::string status_text(daemon_status status, int indent = -1, bool with_version = false);
// The same with the services from `services` (status.services is left out).
std::string status_text(daemon_status status, const service_stream& services, int indent = -1,
                        bool with_version = false);
// answer(result) as one line, where `result_text` is the result's compact JSON text.
std::string answer_text(std::string result_text);

}  // namespace lbd::api
