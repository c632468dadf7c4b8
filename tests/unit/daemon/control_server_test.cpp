// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/shell/control_server.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "ctl/control_client.hpp"

namespace lbd::daemon {
namespace {

TEST(ControlServer, DispatchesToHandlers) {
  boost::asio::io_context io;
  control_server s(io, "/nonexistent");
  s.add("weight", [](const nlohmann::json& args) {
    if (args.at("weight").get<int>() < 0) throw control_error("weight must be >= 0");
    return nlohmann::json{{"server", args.at("server")}, {"weight", args.at("weight")}};
  });
  auto ok = nlohmann::json::parse(s.dispatch(R"({"command":"weight","args":{"server":"10.0.1.11:8080","weight":3}})"));
  EXPECT_TRUE(ok["ok"].get<bool>());
  EXPECT_EQ(ok["version"], "1.5");
  EXPECT_EQ(ok["result"]["weight"], 3);
  auto refused = nlohmann::json::parse(s.dispatch(R"({"command":"weight","args":{"server":"x","weight":-1}})"));
  EXPECT_FALSE(refused["ok"].get<bool>());
  EXPECT_EQ(refused["version"], "1.5");
  EXPECT_EQ(refused["error"], "weight must be >= 0");
  auto unknown = nlohmann::json::parse(s.dispatch(R"({"command":"nope"})"));
  EXPECT_EQ(unknown["error"], "unknown command 'nope'");
  auto garbage = nlohmann::json::parse(s.dispatch("{not json"));
  EXPECT_FALSE(garbage["ok"].get<bool>());
  EXPECT_NE(garbage["error"].get<std::string>().find("malformed request"), std::string::npos);
  auto no_command = nlohmann::json::parse(s.dispatch(R"({"args":{}})"));
  EXPECT_FALSE(no_command["ok"].get<bool>());
}

TEST(ControlServer, AnswersWrittenAsTextAndBytesThatAreNotUtf8) {
  boost::asio::io_context io;
  control_server s(io, "/nonexistent");
  s.add("services", [](const nlohmann::json&) { return json_text{R"([{"name":"web"}])"}; });
  // Before, a reason holding a real server's non-UTF-8 bytes made dump() throw out of the loop.
  s.add("checks", [](const nlohmann::json&) { return nlohmann::json{{"reason", "HTTP 500: \xff"}}; });
  const auto services = s.dispatch(R"({"command":"services"})");
  EXPECT_EQ(services, nlohmann::json::parse(services).dump());
  EXPECT_EQ(nlohmann::json::parse(services)["result"][0]["name"], "web");
  std::string checks;
  ASSERT_NO_THROW(checks = s.dispatch(R"({"command":"checks"})"));
  EXPECT_EQ(nlohmann::json::parse(checks)["result"]["reason"], "HTTP 500: \xEF\xBF\xBD");
}

TEST(ControlServer, SocketIsRootOnlyAndAnswersTheClient) {
  auto dir = std::filesystem::temp_directory_path() / ("lbd-ctl-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "lbd.sock").string();
  boost::asio::io_context io;
  control_server s(io, path);
  s.add("status", [](const nlohmann::json&) { return nlohmann::json{{"node", "director-a"}}; });
  ASSERT_FALSE(s.start());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);

  std::thread loop([&io] { io.run(); });
  auto reply = ctl::call(path, "status");
  auto refused = ctl::call(path, "drain", {{"server", "10.0.1.11:8080"}});
  boost::asio::post(io, [&s] { s.stop(); });
  loop.join();

  ASSERT_TRUE(reply.has_value()) << reply.error();
  EXPECT_EQ((*reply)["node"], "director-a");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error(), "unknown command 'drain'");
  EXPECT_FALSE(std::filesystem::exists(path));
  std::filesystem::remove_all(dir);
}

TEST(ControlClient, ReportsAMissingDaemon) {
  auto r = ctl::call("/nonexistent/lbd.sock", "status");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("cannot reach lbd at /nonexistent/lbd.sock"), std::string::npos);
}

}  // namespace
}  // namespace lbd::daemon
