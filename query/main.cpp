#include <iostream>

#include "query/cli.hpp"

int main(int argc, char** argv) {
    return revsearch::query::run(argc, argv, std::cin, std::cout, std::cerr);
}
