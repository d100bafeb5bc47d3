#include <iostream>

#include "indexer/cli.hpp"
#include "indexer/fatal.hpp"

int main(int argc, char** argv) {
    revsearch::indexer::install_terminate_handler();
    return revsearch::indexer::run(argc, argv, std::cout, std::cerr);
}
