// estimate-service, the program people and scripts run. `calc FILE` — compute an estimate
// document and print its result — runs here, in a program that links only the calculator and the
// document JSON; every other subcommand (and calc after global options) is the full program,
// estimate-service-full beside this file (main.cpp), which this process becomes by exec: the same
// process id, arguments and environment, so servers, signals and exit codes are unchanged.
//
// Why two programs: the full one needs some 80 shared libraries (pango, cairo and X11 for the
// printed forms, libpq with Kerberos and LDAP, ICU, …), and the dynamic loader spends 15–30 ms
// relocating them before main — a quarter of the 80 ms a 10,000-position calc is given end to
// end, spent on libraries calc never calls.
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

#include "app/calc_command.hpp"

namespace {

// The full program: estimate-service-full in the folder of this executable.
std::string FullProgram() {
  std::string self(4096, '\0');
  const ssize_t n = ::readlink("/proc/self/exe", self.data(), self.size() - 1);
  if (n <= 0) return "estimate-service-full";
  self.resize(static_cast<std::size_t>(n));
  const std::size_t slash = self.rfind('/');
  return (slash == std::string::npos ? std::string() : self.substr(0, slash + 1)) +
         "estimate-service-full";
}

int Calc(int argc, char** argv) {
  CLI::App cli{"Compute an estimate document (contracts/calc-v1.md) and print the result",
               "estimate-service calc"};
  std::string path;
  std::string format = "json";
  cli.add_option("FILE", path, "Estimate document JSON, or - for stdin")->required();
  cli.add_option("--format", format, "Output: json (estimate-result/1) or text (Russian table)")
      ->check(CLI::IsMember({"json", "text"}))
      ->capture_default_str();
  try {
    cli.parse(argc - 1, argv + 1);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    // As the full program answers a bad command line: one line, exit status 2.
    std::string what = e.what();
    if (what.empty()) what = e.get_name();
    std::cerr << "estimate-service: " << what << " (see estimate-service --help)\n";
    return 2;
  }
  return estimate::app::RunCalc(path, format, std::cout, std::cerr);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "calc") return Calc(argc, argv);
  const std::string full = FullProgram();
  ::execv(full.c_str(), argv);
  std::cerr << "estimate-service: cannot run " << full << ": " << std::strerror(errno) << "\n";
  return 127;
}
