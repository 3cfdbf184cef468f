#include "server/cli/commands.hpp"

int main(int argc, char** argv)
{
    return confrere::server::cli::run(argc, argv);
}
