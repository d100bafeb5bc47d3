#include <iostream>

#include "bench/corpus_maker.hpp"

int main(int argc, char** argv) {
    return revsearch::bench::make_corpus_main(argc, argv, std::cout, std::cerr);
}
