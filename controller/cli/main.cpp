// gitnsctl: the executable; everything else is in gitns_cli (cli.h).
#include <iostream>
#include <string>
#include <vector>

#include "controller/cli/cli.h"

#ifndef GITNS_VERSION
#define GITNS_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  gitns::cli::set_version(GITNS_VERSION);
  gitns::cli::Io io{std::cout, std::cerr, std::cin};
  int rc = gitns::cli::run(args, io);
  std::cout.flush();
  return rc;
}
