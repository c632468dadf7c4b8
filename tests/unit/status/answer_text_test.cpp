// SPDX-License-Identifier: GPL-2.0-or-later
// The answers written element by element are byte for byte what nlohmann's dump of the whole tree
// writes, compact and pretty, and bytes that are not UTF-8 do not stop them; read back one element
// at a time (array_taker), they are what was written.
#include "status/answer_text.hpp"

#include <gtest/gtest.h>

#include "sample_answers.hpp"
#include "status/answer_reader.hpp"

namespace lbd::api {
namespace {

using namespace samples;

std::string whole(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<service> many_services() {
  std::vector<service> out;
  for (int i = 0; i < 5; ++i) {
    auto s = full_service();
    s.name = "s" + std::to_string(i);
    out.push_back(s);
  }
  out[2].real_servers.clear();
  out[3].also = {"tcp 192.0.2.11:80"};
  return out;
}

TEST(answer_text, arrays_are_the_bytes_of_the_whole_tree) {
  for (const auto& services : {std::vector<service>{}, std::vector<service>{full_service()}, many_services()}) {
    EXPECT_EQ(array_text(services), whole(services));
    EXPECT_EQ(array_text(services, 2), whole(services, 2));
    EXPECT_EQ(array_text(services, 4), whole(services, 4));
  }
  const std::vector<check> checks{check{}, check{}};
  EXPECT_EQ(array_text(checks), whole(checks));
}

TEST(answer_text, the_status_is_the_bytes_of_the_whole_tree) {
  auto s = full_status();
  EXPECT_EQ(status_text(s), whole(s));
  EXPECT_EQ(status_text(s, 2), whole(s, 2));
  nlohmann::json with_version = s;
  with_version["version"] = to_string(current_version);
  EXPECT_EQ(status_text(s, 2, true), whole(with_version, 2));
  s.services.clear();
  s.reload.reset();
  s.vrrp.clear();
  EXPECT_EQ(status_text(s), whole(s));
  EXPECT_EQ(status_text(s, 2), whole(s, 2));
}

// Services made one at a time, as the daemon writes them: the same bytes, and each made once.
TEST(answer_text, a_stream_of_services_is_the_bytes_of_the_whole_tree) {
  for (const auto& services : {std::vector<service>{}, std::vector<service>{full_service()}, many_services()}) {
    std::size_t made = 0;
    const service_stream stream{services.size(), [&](const std::function<void(service &&)>& write) {
                                  for (const auto& s : services) {
                                    ++made;
                                    write(service(s));
                                  }
                                }};
    EXPECT_EQ(services_text(stream), whole(services));
    EXPECT_EQ(services_text(stream, 2), whole(services, 2));
    EXPECT_EQ(made, 2 * services.size());
    auto s = full_status();
    s.services = services;
    const auto status_alone = [&s] {
      auto head = s;
      head.services = {many_services().front()};  // left out: the stream gives them
      return head;
    }();
    EXPECT_EQ(status_text(status_alone, stream), whole(s));
    EXPECT_EQ(status_text(status_alone, stream, 2, false), whole(s, 2));
  }
  // A stream that makes fewer than it announced is still an array of what it made.
  const auto services = many_services();
  const service_stream short_one{10,
                                 [&](const std::function<void(service &&)>& write) { write(service(services[0])); }};
  EXPECT_EQ(services_text(short_one), whole(std::vector<service>{services[0]}));
}

TEST(answer_text, the_envelope_around_a_written_result_is_the_answers) {
  const auto services = many_services();
  EXPECT_EQ(answer_text(array_text(services)), answer(services).dump());
  const auto s = full_status();
  EXPECT_EQ(answer_text(status_text(s)), answer(s).dump());
  EXPECT_EQ(
      parse_answer<daemon_status>(open_reply(nlohmann::json::parse(answer_text(status_text(s)))).result, "status"), s);
}

TEST(answer_text, bytes_that_are_not_utf8_become_replacement_characters) {
  auto s = full_service();
  s.real_servers[0].reason = "HTTP 500: \xff\xfe body";
  std::string text;
  ASSERT_NO_THROW(text = array_text(std::vector<service>{s}));
  const auto back = nlohmann::json::parse(text).get<std::vector<service>>();
  EXPECT_EQ(back.at(0).real_servers.at(0).reason, "HTTP 500: \xEF\xBF\xBD\xEF\xBF\xBD body");
}

TEST(answer_text, dump_with_needs_the_member_it_writes) {
  EXPECT_THROW(dump_with(
                   nlohmann::json{{"a", 1}}, "b", [](std::string&, int) {}, -1),
               std::logic_error);
  EXPECT_EQ(dump_with(
                nlohmann::json{{"a", 1}, {"b", nullptr}}, "b", [](std::string& out, int) { out += "[2]"; }, 2),
            "{\n  \"a\": 1,\n  \"b\": [2]\n}");
}

// The reply parsed with the taker as the parser's callback: what is left of the tree, and the taker.
template <typename T>
nlohmann::json parse_taking(const std::string& text, array_taker<T>& taker) {
  return nlohmann::json::parse(text, [&taker](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    return taker(depth, event, parsed);
  });
}

TEST(answer_reader, the_services_are_taken_one_by_one_and_left_out_of_the_tree) {
  const auto services = many_services();
  array_taker<service> taker({"result"});
  const auto rest = parse_taking(answer_text(array_text(services)), taker);
  EXPECT_EQ(rest, answer(nlohmann::json::array()));
  EXPECT_EQ(taker.take(), services);
}

TEST(answer_reader, the_status_keeps_all_but_its_services) {
  const auto status = full_status();
  array_taker<service> taker({"result", "services"});
  const auto rest = parse_taking(answer_text(status_text(status)), taker);
  auto read = parse_answer<daemon_status>(open_reply(rest).result, "status");
  EXPECT_TRUE(read.services.empty());
  read.services = taker.take();
  EXPECT_EQ(read, status);
  // Arrays elsewhere (the VRRP instances, a service's real servers) are left where they are.
  EXPECT_EQ(rest.at("result").at("vrrp").size(), 1U);
}

TEST(answer_reader, a_broken_element_is_told_at_take_after_the_whole_reply_was_read) {
  array_taker<service> taker({"result"});
  const auto rest = parse_taking(R"({"ok":true,"result":[{"name":"web"},{"name":"db"}],"version":"2.0"})", taker);
  // The version came after the result, and is still there to be checked first.
  EXPECT_EQ(rest.at("version"), "2.0");
  EXPECT_THROW(open_reply(rest), contract_error);
  try {
    (void)taker.take();
    FAIL() << "a broken element was taken";
  } catch (const contract_error& e) {
    EXPECT_EQ(std::string(e.what()), "missing \"service\"");
  }
}

TEST(answer_reader, elements_that_are_values_are_taken_too) {
  array_taker<std::string> taker({"result", "also"});
  const auto rest = parse_taking(R"({"result":{"also":["a","b"],"other":["c"]}})", taker);
  EXPECT_EQ(taker.take(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(rest.at("result").at("other"), nlohmann::json::array({"c"}));
}

}  // namespace
}  // namespace lbd::api
