#include <iostream>

#include "query/eval_cli.hpp"

int main(int argc, char** argv) {
    return revsearch::query::eval::run(argc, argv, std::cout, std::cerr);
}
