#include <iostream>

#include "indexer/cli.hpp"

int main(int argc, char** argv) { return revsearch::indexer::run(argc, argv, std::cout, std::cerr); }
