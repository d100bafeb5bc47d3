# Project-wide warning and sanitizer settings, applied per target through
# revsearch_set_options() rather than through global flags.
add_library(revsearch_options INTERFACE)
target_compile_options(revsearch_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wno-missing-field-initializers)
if(REVSEARCH_WERROR)
    target_compile_options(revsearch_options INTERFACE -Werror)
endif()
if(REVSEARCH_SANITIZE)
    target_compile_options(revsearch_options INTERFACE -fsanitize=address,undefined
        -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(revsearch_options INTERFACE -fsanitize=address,undefined)
endif()
if(REVSEARCH_FUZZ)
    target_compile_options(revsearch_options INTERFACE -fsanitize=fuzzer-no-link,address,undefined
        -fno-omit-frame-pointer)
    target_link_options(revsearch_options INTERFACE -fsanitize=address,undefined)
endif()
add_library(revsearch::options ALIAS revsearch_options)
