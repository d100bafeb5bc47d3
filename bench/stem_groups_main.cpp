#include <iostream>

#include "bench/stem_groups.hpp"

int main(int argc, char** argv) {
    return revsearch::bench::stem_groups_main(argc, argv, std::cout, std::cerr);
}
