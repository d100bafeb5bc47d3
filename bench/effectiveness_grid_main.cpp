#include <iostream>

#include "bench/effectiveness_grid.hpp"

int main(int argc, char** argv) {
    return revsearch::bench::effectiveness_grid_main(argc, argv, std::cin, std::cout, std::cerr);
}
