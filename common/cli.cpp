#include "common/cli.hpp"

#include <cstdlib>
#include <unistd.h>

#include "common/error.hpp"

namespace po = boost::program_options;

namespace revsearch::cli {

std::string default_db_path() {
    const char* env = std::getenv("REVSEARCH_DB");
    return env != nullptr && *env != '\0' ? env : "./revsearch.db";
}

po::variables_map parse(int argc, const char* const* argv, const po::options_description& options,
                        const po::positional_options_description& positional) {
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
    return vm;
}

bool is_terminal(int fd) { return ::isatty(fd) == 1; }

void DatabaseOptions::add_to(po::options_description& desc) {
    path = default_db_path();
    desc.add_options()("db", po::value(&path)->default_value(path),
                       "database directory (default: $REVSEARCH_DB, else ./revsearch.db)");
}

void AnalyzerOptions::add_to(po::options_description& desc) {
    desc.add_options()("language", po::value(&language)->default_value(language),
                       "stemming language: any libstemmer language, or none")(
        "stopwords", po::value(&stopwords)->default_value(stopwords),
        "stop words to leave out: english (revsearch's list), none, or a file of words")(
        "positions", po::value(&positions)->default_value(positions),
        "where word positions go: packed (one value per review: a smaller index, built faster) "
        "or xapian (Xapian's position table, needed for phrase search through xapian-tcpsrv)")(
        "stem-overrides", po::value(&stem_overrides)->default_value(stem_overrides),
        "words whose stem is fixed, not Snowball's (so compassion is not compass): default "
        "(revsearch's list for the language), english, none, or a file of 'WORD STEM' lines")(
        "title-in-default", po::bool_switch(&title_in_default),
        "also index title words unprefixed, as Omega does, so the default field scores each word "
        "once (experimental)");
}

AnalyzerSettings AnalyzerOptions::settings() const {
    AnalyzerSettings s;
    s.language = language;
    s.stopwords_name = stopwords == "none" ? "" : stopwords;
    s.stopwords = load_stopwords(s.stopwords_name);
    s.stem_overrides = load_stem_overrides(stem_overrides, language, s.stem_overrides_name);
    s.title_in_default = title_in_default;
    // Validates the language (and overrides with "none") now, as a usage error.
    (void)make_stemmer(language, s.stem_overrides);
    if (!s.set_positions(positions)) {
        throw UsageError("--positions takes packed or xapian, not '" + positions + "'");
    }
    return s;
}

}  // namespace revsearch::cli
