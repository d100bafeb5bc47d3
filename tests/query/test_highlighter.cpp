#include "query/highlighter.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>
#include <xapian.h>

#include "common/analyzer.hpp"
#include "common/error.hpp"
#include "common/text.hpp"
#include "query/query_builder.hpp"

using namespace revsearch;
using namespace revsearch::query;

namespace {

const std::string kEllipsis = "\xE2\x80\xA6";

/// The analysed terms of a query, as the searcher hands them to the highlighter.
std::vector<std::string> terms_for(const Analyzer& analyzer, const std::string& query) {
    const Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
    QueryBuilder builder(analyzer, db);
    return highlight_terms(builder.parse(query));
}

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }
bool ends_with(const std::string& s, const std::string& p) {
    return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

/// Filler text without any of the words the tests search for.
std::string filler(int sentences) {
    std::string out;
    for (int i = 0; i < sentences; ++i) {
        out += "The river bends past the old mill and the orchard keeps its quiet rows. ";
    }
    return out;
}

}  // namespace

TEST_CASE("snippets highlight the query's words in their stemmed forms", "[query]") {
    const Analyzer analyzer;

    SECTION("an inflected form of a query word is highlighted") {
        const Highlighter h(analyzer, terms_for(analyzer, "fatigue walking"));
        const std::string out =
            render(h.snippet("She felt fatigued after she walked home.", 240), Highlight::Plain);
        CHECK(out == "She felt [fatigued] after she [walked] home.");
    }
    SECTION("case does not matter") {
        const Highlighter h(analyzer, terms_for(analyzer, "compassion"));
        CHECK(render(h.snippet("COMPASSION and Compassion.", 240), Highlight::Plain) ==
              "[COMPASSION] and [Compassion].");
    }
    SECTION("words that only share a prefix are not highlighted") {
        const Highlighter h(analyzer, terms_for(analyzer, "garden"));
        CHECK(render(h.snippet("A guardian of gardens.", 240), Highlight::Plain) ==
              "A guardian of [gardens].");
    }
    SECTION("words asked for in title: or reviewer: are highlighted in the body too") {
        const Highlighter h(analyzer, terms_for(analyzer, "title:kettle reviewer:hill"));
        CHECK(render(h.snippet("The kettle sat on the hill.", 240), Highlight::Plain) ==
              "The [kettle] sat on the [hill].");
    }
    SECTION("every word of a phrase is highlighted") {
        const Highlighter h(analyzer, terms_for(analyzer, "\"compassion fatigue\""));
        CHECK(render(h.snippet("Signs of compassion fatigue appear slowly.", 240),
                     Highlight::Plain) == "Signs of [compassion] [fatigue] appear slowly.");
    }
    SECTION("filter-only fields highlight nothing") {
        const Highlighter h(analyzer, terms_for(analyzer, "topic:grief"));
        CHECK(h.snippet("Grief is heavy.", 240) == "Grief is heavy.");
    }
}

TEST_CASE("snippets are bounded passages around the best match", "[query]") {
    const Analyzer analyzer;
    const Highlighter h(analyzer, terms_for(analyzer, "compassion fatigue"));
    const std::string text = filler(10) + "Nurses describe compassion fatigue after long shifts. " +
                             filler(10);
    const std::size_t max_chars = 120;
    const std::string raw = h.snippet(text, max_chars);
    const std::string plain = render(raw, Highlight::None);

    SECTION("the passage is no longer than asked, ellipses aside") {
        std::string inner = plain;
        if (starts_with(inner, kEllipsis)) inner.erase(0, kEllipsis.size());
        if (ends_with(inner, kEllipsis)) inner.erase(inner.size() - kEllipsis.size());
        CHECK(inner.size() <= max_chars);
        CHECK(inner.size() >= max_chars / 2);
    }
    SECTION("the passage holds the matches, marked") {
        CHECK_THAT(render(raw, Highlight::Plain), Catch::Contains("[compassion] [fatigue]"));
    }
    SECTION("text cut off at either end is shown by an ellipsis") {
        CHECK(starts_with(plain, kEllipsis));
        CHECK(ends_with(plain, kEllipsis));
    }
    SECTION("a passage at the start of the text has no leading ellipsis") {
        const std::string start = "Compassion fatigue is the subject. " + filler(10);
        const std::string s = h.snippet(start, max_chars);
        CHECK(starts_with(render(s, Highlight::Plain), "[Compassion] [fatigue] is the subject."));
        CHECK(ends_with(s, kEllipsis));
    }
    SECTION("a short text is shown whole without ellipses") {
        const std::string s = h.snippet("Compassion matters.", max_chars);
        CHECK(render(s, Highlight::Plain) == "[Compassion] matters.");
    }
    SECTION("the passage with the most distinct query words wins over an earlier lone match") {
        const std::string t = "Compassion once. " + filler(6) +
                              "Later they named it compassion fatigue at last. " + filler(6);
        CHECK_THAT(render(h.snippet(t, max_chars), Highlight::Plain),
                   Catch::Contains("[compassion] [fatigue]"));
    }
    SECTION("whitespace in the passage is collapsed") {
        const std::string s = h.snippet("Compassion\n\n   fatigue\tagain.", max_chars);
        CHECK(render(s, Highlight::Plain) == "[Compassion] [fatigue] again.");
    }
}

TEST_CASE("a snippet without any match is the start of the text", "[query]") {
    const Analyzer analyzer;
    const Highlighter h(analyzer, terms_for(analyzer, "teapot"));
    const std::string text = "First words come first. " + filler(20);
    const std::string s = h.snippet(text, 100);
    CHECK(starts_with(s, "First words come first."));
    CHECK(s.find(kMarkStart) == std::string::npos);
    CHECK(ends_with(s, kEllipsis));
    CHECK(s.size() <= 100 + kEllipsis.size());
}

TEST_CASE("render prints marks in the chosen style", "[query]") {
    const std::string marked = std::string("one ") + kMarkStart + "two" + kMarkEnd + " three";

    SECTION("ansi wraps matches in bold red and a reset") {
        CHECK(render(marked, Highlight::Ansi) == "one \x1b[1;31mtwo\x1b[0m three");
    }
    SECTION("html wraps matches in <b> tags") {
        CHECK(render(marked, Highlight::Html) == "one <b>two</b> three");
    }
    SECTION("plain wraps matches in brackets") {
        CHECK(render(marked, Highlight::Plain) == "one [two] three");
    }
    SECTION("none drops the marks") { CHECK(render(marked, Highlight::None) == "one two three"); }
    SECTION("html escapes < and & in the text but keeps its own <b> marks") {
        const std::string m = std::string("a < b & c ") + kMarkStart + "x&y" + kMarkEnd + " >";
        CHECK(render(m, Highlight::Html) == "a &lt; b &amp; c <b>x&amp;y</b> &gt;");
    }
    SECTION("other styles leave < and & alone") {
        const std::string m = std::string("a < b & c ") + kMarkStart + "x" + kMarkEnd;
        CHECK(render(m, Highlight::Plain) == "a < b & c [x]");
    }
    SECTION("style names parse, and unknown ones are a usage error") {
        CHECK(parse_highlight("ansi") == Highlight::Ansi);
        CHECK(parse_highlight("html") == Highlight::Html);
        CHECK(parse_highlight("plain") == Highlight::Plain);
        CHECK(parse_highlight("none") == Highlight::None);
        CHECK_THROWS_AS(parse_highlight("bold"), UsageError);
    }
}

TEST_CASE("mark_all marks every match in the whole text and changes nothing else", "[query]") {
    const Analyzer analyzer;
    const Highlighter h(analyzer, terms_for(analyzer, "fatigue"));
    const std::string text = filler(8) + "Fatigue,\n\n  fatigued;  " + filler(8) + "fatiguing.";
    const std::string marked = h.mark_all(text);
    CHECK(render(marked, Highlight::None) == text);
    CHECK_THAT(render(marked, Highlight::Plain),
               Catch::Contains("[Fatigue],\n\n  [fatigued];  ") && Catch::EndsWith("[fatiguing]."));
    CHECK(std::count(marked.begin(), marked.end(), kMarkStart) == 3);
    CHECK(std::count(marked.begin(), marked.end(), kMarkEnd) == 3);
}

TEST_CASE("a text that fits is shown whole, closing punctuation included", "[query]") {
    const Analyzer analyzer;
    const Highlighter h(analyzer, terms_for(analyzer, "compassion"));

    SECTION("a closing bracket or quote after the last word is kept, without an ellipsis") {
        CHECK(render(h.snippet("Compassion (it matters)", 240), Highlight::Plain) ==
              "[Compassion] (it matters)");
        CHECK(render(h.snippet("She said \"compassion matters.\"", 240), Highlight::Plain) ==
              "She said \"[compassion] matters.\"");
    }
    SECTION("trailing whitespace, as bodies read from files have, adds no ellipsis") {
        CHECK(render(h.snippet("Compassion matters.\n", 240), Highlight::Plain) ==
              "[Compassion] matters.");
        CHECK(render(h.snippet("  Compassion matters.  \n\n", 240), Highlight::Plain) ==
              "[Compassion] matters.");
    }
}

TEST_CASE("a snippet of text without words is cut at a character boundary", "[query]") {
    const Analyzer analyzer;
    const Highlighter h(analyzer, terms_for(analyzer, "compassion"));
    // Twenty em dashes (3 bytes each): no word characters at all.
    std::string dashes;
    for (int i = 0; i < 20; ++i) dashes += "\xE2\x80\x94";
    const std::string s = h.snippet(dashes, 10);
    CHECK(text::is_valid_utf8(s));
}

// Regression: a matching word longer than the snippet budget made the window search run past
// the end of its hits (a crash in revsearch-query --snippet-chars 5 compassion).
TEST_CASE("a matching word longer than the snippet budget is still shown", "[query][regression]") {
    const Analyzer analyzer;
    const Highlighter h(analyzer, terms_for(analyzer, "compassion"));

    SECTION("when the word is the whole text") {
        CHECK(render(h.snippet("compassion", 5), Highlight::Plain) == "[compassion]");
    }
    SECTION("when the word stands among others") {
        const std::string s = render(h.snippet("Kind words and compassion for all.", 4),
                                     Highlight::Plain);
        CHECK_THAT(s, Catch::Contains("[compassion]"));
    }
    SECTION("with a budget of zero") {
        CHECK_THAT(render(h.snippet("one compassion two", 0), Highlight::Plain),
                   Catch::Contains("[compassion]") || Catch::Equals(""));
    }
}

TEST_CASE("a shared stem cache gives the same snippets as a highlighter's own",
          "[query][regression]") {
    // Issue 5: stems are remembered across snippets and queries; a full cache starts again.
    const Analyzer analyzer;
    const std::string text = "Walking, she walked; the walkers walk. " + filler(4) +
                             "Compassionate nurses and compassion fatigue: fatigued, tired. " +
                             filler(3) + "Meditation and meditating help the meditators.";
    const std::vector<std::string> queries = {"walk", "compassion fatigue", "medit*", "river mill",
                                              "title:nurses tired", "\"compassion fatigue\" walk*"};
    for (const std::size_t max_words : {std::size_t{3}, std::size_t{1} << 16}) {
        StemCache shared(analyzer, max_words);
        for (int pass = 0; pass < 2; ++pass) {
            for (const std::string& q : queries) {
                const std::vector<std::string> terms = terms_for(analyzer, q);
                const std::vector<std::string> prefixes = wildcard_prefixes(q);
                const Highlighter own(analyzer, terms, prefixes);
                const Highlighter with_shared(analyzer, terms, prefixes, &shared);
                INFO("query: " << q << ", cache of " << max_words << " words, pass " << pass);
                CHECK(with_shared.snippet(text, 80) == own.snippet(text, 80));
                CHECK(with_shared.snippet(text, 240) == own.snippet(text, 240));
                CHECK(with_shared.mark_all(text) == own.mark_all(text));
            }
        }
    }
    SECTION("and the words of a wildcard are those whose stem starts with the pattern") {
        const Highlighter h(analyzer, {}, wildcard_prefixes("medit*"));
        CHECK(render(h.mark_all("Meditation, a medic, meditating."), Highlight::Plain) ==
              "[Meditation], a medic, [meditating].");
    }
}
