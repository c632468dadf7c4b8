// `lbd --check --print etc/lbd.conf` must match the checked-in normalised form.
//
// When a change to the schema or to etc/lbd.conf is intended, regenerate the golden file from the
// repository root with
//   build/src/daemon/lbd --check --print etc/lbd.conf > tests/unit/config/golden/lbd.conf.json
// and review the diff like any other change.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/load.hpp"
#include "config/to_json.hpp"

namespace lbd::config {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(config_golden, example_configuration_is_valid_without_warnings) {
  auto r = load_file(LBD_SOURCE_DIR "/etc/lbd.conf");
  for (const auto& d : r.diagnostics) ADD_FAILURE() << format(d);
  ASSERT_TRUE(r.ok());
}

TEST(config_golden, example_configuration_prints_as_the_golden_json) {
  auto r = load_file(LBD_SOURCE_DIR "/etc/lbd.conf");
  ASSERT_TRUE(r.ok());
  std::string golden = read(LBD_SOURCE_DIR "/tests/unit/config/golden/lbd.conf.json");
  ASSERT_FALSE(golden.empty()) << "golden file missing";
  // The printer adds one newline after the document, like the golden file.
  EXPECT_EQ(to_json(*r.cfg).dump(2) + "\n", golden)
      << "regenerate with: build/src/daemon/lbd --check --print etc/lbd.conf > tests/unit/config/golden/lbd.conf.json";
}

}  // namespace
}  // namespace lbd::config
