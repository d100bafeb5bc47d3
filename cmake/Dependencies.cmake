# Every external library is wrapped once here as an imported target, so the
# folders below link `revsearch::xapian` and friends and never touch raw
# include paths or library variables.

find_package(xapian REQUIRED CONFIG)
add_library(revsearch_xapian INTERFACE IMPORTED GLOBAL)
target_include_directories(revsearch_xapian INTERFACE ${XAPIAN_INCLUDE_DIR})
target_link_libraries(revsearch_xapian INTERFACE ${XAPIAN_LIBRARIES})
add_library(revsearch::xapian ALIAS revsearch_xapian)

find_path(STEMMER_INCLUDE_DIR libstemmer.h REQUIRED)
find_library(STEMMER_LIBRARY NAMES stemmer REQUIRED)
add_library(revsearch_stemmer INTERFACE IMPORTED GLOBAL)
target_include_directories(revsearch_stemmer INTERFACE ${STEMMER_INCLUDE_DIR})
target_link_libraries(revsearch_stemmer INTERFACE ${STEMMER_LIBRARY})
add_library(revsearch::stemmer ALIAS revsearch_stemmer)

find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(tomlplusplus 3 REQUIRED)
find_package(simdjson 3 REQUIRED CONFIG)
find_package(Threads REQUIRED)

find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET libarchive)
add_library(revsearch::archive ALIAS PkgConfig::LIBARCHIVE)
# zstd directly (not only through libarchive): stored records are compressed with a zstd
# dictionary trained on the corpus (common/record_codec).
pkg_check_modules(LIBZSTD REQUIRED IMPORTED_TARGET libzstd)
add_library(revsearch::zstd ALIAS PkgConfig::LIBZSTD)
# xxHash: the content hash of each input file in an index's manifest, at memory speed.
pkg_check_modules(LIBXXHASH REQUIRED IMPORTED_TARGET libxxhash)
add_library(revsearch::xxhash ALIAS PkgConfig::LIBXXHASH)

# ICU: converters from every text encoding to UTF-8, and the charset detector that proposes
# an encoding for input that is not UTF-8 (corpus/encoding).
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-uc icu-i18n)
add_library(revsearch::icu ALIAS PkgConfig::ICU)

find_path(READLINE_INCLUDE_DIR readline/readline.h REQUIRED)
find_library(READLINE_LIBRARY NAMES readline REQUIRED)
add_library(revsearch_readline INTERFACE IMPORTED GLOBAL)
target_include_directories(revsearch_readline INTERFACE ${READLINE_INCLUDE_DIR})
target_link_libraries(revsearch_readline INTERFACE ${READLINE_LIBRARY})
add_library(revsearch::readline ALIAS revsearch_readline)

if(REVSEARCH_BUILD_TESTS)
    find_package(Catch2 2.13 REQUIRED)
    include(Catch)
endif()

if(REVSEARCH_BUILD_BENCH)
    find_package(SQLite3 REQUIRED)
endif()

# cpp-httplib serves `revsearch-query --serve`. Debian builds it as a shared library with a
# header of declarations; its pkg-config file carries the feature macros (OpenSSL, zlib,
# Brotli) the library was compiled with, which change class layouts, so every user of the
# header must compile with exactly those.
pkg_check_modules(CPPHTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
add_library(revsearch::httplib ALIAS PkgConfig::CPPHTTPLIB)
