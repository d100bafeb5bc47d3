#include <iostream>

#include "bench/topic_quality.hpp"

int main(int argc, char** argv) {
    return revsearch::bench::topic_quality_main(argc, argv, std::cout, std::cerr);
}
