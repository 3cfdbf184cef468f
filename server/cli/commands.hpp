// The `confrere` command line: serve, migrate, admin … (documented in docs/cli.md).
#pragma once

namespace confrere::server::cli {

// Parses the arguments and runs the subcommand. Returns the process exit code:
// 0 success, 1 the operation failed (message on stderr), 2 usage error.
int run(int argc, char** argv);

} // namespace confrere::server::cli
