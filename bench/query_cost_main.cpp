#include <iostream>

#include "bench/query_cost.hpp"

int main(int argc, char** argv) {
    return revsearch::bench::query_cost_main(argc, argv, std::cout, std::cerr);
}
