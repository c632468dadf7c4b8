#pragma once
// `lbctl ipvs [--stats|--rate]`: the kernel's IPVS table, laid out like `ipvsadm -Ln`.
#include <CLI/CLI.hpp>

namespace lbd::ctl {

void add_ipvs_command(CLI::App& app, int& exit_code);

}  // namespace lbd::ctl
