// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Reads the answers that grow with the table (services, status) without a tree of the whole reply:
// given to nlohmann's parser as its callback, an array_taker parses each element of one array into
// T as soon as the element is complete and drops it from the tree. A tree of 100,000 real servers
// is about 400 MB; one element's is a few kilobytes.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "status/protocol.hpp"

namespace lbd::api {

template <typename T>
class array_taker {
 public:
  // The array's place as member names from the reply's root: {"result"} for an answer that is the
  // array, {"result", "services"} for the status's services.
  explicit array_taker(std::vector<std::string> path) : path_(std::move(path)) {}

  // nlohmann::json::parser_callback_t.
  bool operator()(int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using ev = nlohmann::json::parse_event_t;
    const auto level = static_cast<std::size_t>(depth);
    if (event == ev::key) {
      if (keys_.size() <= level) keys_.resize(level + 1);
      keys_[level] = parsed.get<std::string>();
    } else if (event == ev::array_start && level == path_.size() && on_path()) {
      inside_ = true;
    } else if (event == ev::array_end && level == path_.size()) {
      inside_ = false;
    } else if (inside_ && level == path_.size() + 1 && (event == ev::object_end || event == ev::value)) {
      // The first broken element is kept for take(): the parse goes on, so that the reply's version,
      // which comes after its result, is still checked first (a newer daemon is told as such).
      if (!error_) {
        try {
          items_.push_back(parsed.get<T>());
        } catch (const nlohmann::json::exception& e) {
          error_ = e.what();
        } catch (const contract_error& e) {
          error_ = e.what();
        }
      }
      return false;  // not kept in the tree
    }
    return true;
  }

  // The elements; contract_error when one of them broke the contract.
  std::vector<T> take() {
    if (error_) throw contract_error(*error_);
    return std::move(items_);
  }

 private:
  // The member names that lead here are the path's (keys_[d] is the member opened at depth d).
  [[nodiscard]] bool on_path() const {
    if (keys_.size() <= path_.size()) return false;
    for (std::size_t d = 0; d < path_.size(); ++d) {
      if (keys_[d + 1] != path_[d]) return false;
    }
    return true;
  }

  std::vector<std::string> path_;
  std::vector<std::string> keys_;
  bool inside_ = false;
  std::vector<T> items_;
  std::optional<std::string> error_;
};

}  // namespace lbd::api
