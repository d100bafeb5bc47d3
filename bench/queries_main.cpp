#include <iostream>

#include "bench/query_generator.hpp"

int main(int argc, char** argv) {
    return revsearch::bench::queries_main(argc, argv, std::cout, std::cerr);
}
