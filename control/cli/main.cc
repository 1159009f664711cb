// fastlease: the command-line client of fastlease-control. See cli.h and docs/cli.md.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "control/cli/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  fastlease::cli::Environment env;
  if (const char* socket = std::getenv("FASTLEASE_SOCKET")) env.socket_env = socket;
  try {
    int status = fastlease::cli::Run(args, env, std::cout, std::cerr);
    std::cout.flush();
    return status;
  } catch (const std::exception& e) {
    std::cerr << "fastlease: internal error: " << e.what() << "\n";
    return 5;
  }
}
