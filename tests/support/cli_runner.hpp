// Runs the en18031 command line in-process with captured streams, for the end-to-end tests.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cli/app.hpp"

namespace en18031::testing {

struct CliResult {
  int exit_code;
  std::string out;
  std::string err;
};

// `args` without the program name; `input` is what the command reads on standard input.
inline CliResult run_cli(std::vector<std::string> args, const std::string& input = {}) {
  args.insert(args.begin(), "en18031");
  std::vector<const char*> argv;
  for (const auto& arg : args)
    argv.push_back(arg.c_str());
  std::istringstream in(input);
  std::ostringstream out, err;
  const int code = cli::run(static_cast<int>(argv.size()), argv.data(), in, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace en18031::testing
