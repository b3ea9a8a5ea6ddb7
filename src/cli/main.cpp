// en18031: the command-line entry point. The one place exceptions are caught; libraries return errors.
#include <exception>
#include <iostream>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  try {
    return en18031::cli::run(argc, argv, std::cin, std::cout, std::cerr);
  } catch (const std::exception& error) {
    std::cerr << "en18031: internal error: " << error.what() << "\n";
    return en18031::cli::exit_internal;
  }
}
