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
        "title-layout", po::value(&title_layout),
        "in-default (title words also in the default field, as Omega indexes them: one set of "
        "statistics per word; the default with packed positions) or separate (title words "
        "under title: only; the default with --positions xapian)");
}

AnalyzerSettings AnalyzerOptions::settings() const {
    AnalyzerSettings s;
    s.language = language;
    s.stopwords_name = stopwords == "none" ? "" : stopwords;
    s.stopwords = load_stopwords(s.stopwords_name);
    s.stem_overrides = load_stem_overrides(stem_overrides, language, s.stem_overrides_name);
    if (!title_layout.empty() && title_layout != "in-default" && title_layout != "separate") {
        throw UsageError("--title-layout takes in-default or separate, not '" + title_layout + "'");
    }
    // Validates the language (and overrides with "none") now, as a usage error.
    (void)make_stemmer(language, s.stem_overrides);
    if (!s.set_positions(positions)) {
        throw UsageError("--positions takes packed or xapian, not '" + positions + "'");
    }
    if (title_layout == "in-default" && !s.packed_positions) {
        throw UsageError(
            "--title-layout in-default needs packed positions: Xapian's phrase "
            "matcher (--positions xapian) takes a title word in the default field, "
            "which has no positions, as matching any phrase");
    }
    s.title_in_default = title_layout.empty() ? s.packed_positions : title_layout == "in-default";
    return s;
}

}  // namespace revsearch::cli
