// SPDX-License-Identifier: GPL-2.0-or-later
#include "vrrp/events.hpp"

namespace lbd::vrrp {

std::string_view to_string(state s) {
  switch (s) {
    case state::init: return "INIT";
    case state::backup: return "BACKUP";
    case state::master: return "MASTER";
    case state::fault: return "FAULT";
  }
  return "?";
}

std::string_view metric_label(state s) {
  switch (s) {
    case state::init: return "init";
    case state::backup: return "backup";
    case state::master: return "master";
    case state::fault: return "fault";
  }
  return "?";
}

std::string_view to_string(timer_kind k) {
  switch (k) {
    case timer_kind::master_down: return "master_down";
    case timer_kind::advert: return "advert";
    case timer_kind::preempt_delay: return "preempt_delay";
  }
  return "?";
}

}  // namespace lbd::vrrp
