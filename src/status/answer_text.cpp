// SPDX-License-Identifier: GPL-2.0-or-later
#include "status/answer_text.hpp"

namespace lbd::api {

service_stream stream_of(const std::vector<service>& services) {
  return {services.size(), [&services](const std::function<void(service &&)>& write) {
            for (const auto& s : services) write(service(s));
          }};
}

namespace {

void append_services(std::string& out, const service_stream& services, int indent, int depth) {
  json_array_writer array(out, indent, depth, services.count);
  if (services.each) services.each([&array](service&& s) { array.add(nlohmann::json(s)); });
  array.close();
}

}  // namespace

std::string services_text(const service_stream& services, int indent) {
  std::string out;
  append_services(out, services, indent, 0);
  return out;
}

std::string status_text(daemon_status status, int indent, bool with_version) {
  const auto services = std::move(status.services);
  status.services.clear();
  return status_text(std::move(status), stream_of(services), indent, with_version);
}

std::string status_text(daemon_status status, const service_stream& services, int indent, bool with_version) {
  status.services.clear();
  nlohmann::json rest = status;  // small: everything but the services
  if (with_version) rest["version"] = to_string(current_version);
  return dump_with(
      rest, "services", [&](std::string& out, int depth) { append_services(out, services, indent, depth); }, indent);
}

std::string answer_text(std::string result_text) {
  // The envelope's members around the result, in nlohmann's order, from the envelope itself.
  const auto envelope = dump_with(
      answer(nullptr), "result", [](std::string& out, int) { out += '\0'; }, -1);
  const auto at = envelope.find('\0');
  // In place: the result's text is the size of the table, and its spare capacity usually takes
  // the few bytes around it without a copy.
  result_text.insert(0, envelope, 0, at);
  result_text.append(envelope, at + 1);
  return result_text;
}

}  // namespace lbd::api
