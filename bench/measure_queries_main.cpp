#include <iostream>

#include "bench/measure_queries.hpp"

int main(int argc, char** argv) {
    return revsearch::bench::measure_queries_main(argc, argv, std::cout, std::cerr);
}
