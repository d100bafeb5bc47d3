#include <iostream>

#include "bench/peers.hpp"

int main(int argc, char** argv) {
    return revsearch::bench::peers_main(argc, argv, std::cout, std::cerr);
}
