#include <catch2/catch.hpp>
#include <string>

#include "common/text.hpp"

using namespace revsearch;

namespace {

// U+FFFD REPLACEMENT CHARACTER, as UTF-8.
const std::string kReplacement = "\xEF\xBF\xBD";
// U+00A0 NO-BREAK SPACE, as UTF-8.
const std::string kNbsp = "\xC2\xA0";

std::size_t count_of(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t pos = haystack.find(needle); pos != std::string::npos;
         pos = haystack.find(needle, pos + needle.size())) {
        ++n;
    }
    return n;
}

}  // namespace

TEST_CASE("well-formed UTF-8 is recognised and malformed UTF-8 is not", "[common]") {
    SECTION("empty text, ASCII and every sequence length up to four bytes are valid") {
        CHECK(text::is_valid_utf8(""));
        CHECK(text::is_valid_utf8("plain ASCII, with punctuation!"));
        CHECK(text::is_valid_utf8("caf\xC3\xA9"));       // é, two bytes
        CHECK(text::is_valid_utf8("\xE2\x80\x99"));      // ’, three bytes
        CHECK(text::is_valid_utf8("\xF0\x9F\x98\x80"));  // 😀, four bytes
        CHECK(text::is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
        CHECK(text::is_valid_utf8("\xED\x9F\xBF"));      // U+D7FF, just below surrogates
        CHECK(text::is_valid_utf8("\xEE\x80\x80"));      // U+E000, just above surrogates
        CHECK(text::is_valid_utf8(std::string("nul\0inside", 10)));
    }
    SECTION("overlong encodings are invalid") {
        CHECK_FALSE(text::is_valid_utf8("\xC0\xAF"));  // '/' in two bytes
        CHECK_FALSE(text::is_valid_utf8("\xC1\xBF"));
        CHECK_FALSE(text::is_valid_utf8("\xE0\x80\xAF"));      // '/' in three bytes
        CHECK_FALSE(text::is_valid_utf8("\xE0\x9F\xBF"));      // U+07FF in three bytes
        CHECK_FALSE(text::is_valid_utf8("\xF0\x80\x80\xAF"));  // '/' in four bytes
        CHECK_FALSE(text::is_valid_utf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
    }
    SECTION("UTF-16 surrogates encoded as UTF-8 are invalid") {
        CHECK_FALSE(text::is_valid_utf8("\xED\xA0\x80"));  // U+D800
        CHECK_FALSE(text::is_valid_utf8("\xED\xBF\xBF"));  // U+DFFF
        CHECK_FALSE(text::is_valid_utf8("ok \xED\xB2\x80 ok"));
    }
    SECTION("code points above U+10FFFF and bytes that never occur are invalid") {
        CHECK_FALSE(text::is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
        CHECK_FALSE(text::is_valid_utf8("\xF8\x88\x80\x80\x80"));
        CHECK_FALSE(text::is_valid_utf8("\xFE"));
        CHECK_FALSE(text::is_valid_utf8("\xFF"));
    }
    SECTION("truncated sequences and stray continuation bytes are invalid") {
        CHECK_FALSE(text::is_valid_utf8("caf\xC3"));  // cut at the end
        CHECK_FALSE(text::is_valid_utf8("\xE2\x80"));
        CHECK_FALSE(text::is_valid_utf8("\xF0\x9F\x98"));
        CHECK_FALSE(text::is_valid_utf8("\xE2\x80x and more"));  // cut in the middle
        CHECK_FALSE(text::is_valid_utf8("\x80"));
        CHECK_FALSE(
            text::is_valid_utf8("a\xBF"
                                "b"));
        CHECK_FALSE(text::is_valid_utf8("latin-1 caf\xE9 text"));
    }
}

TEST_CASE("repairing UTF-8 replaces bad bytes and keeps good text byte for byte", "[common]") {
    SECTION("valid text comes back unchanged with no replacements counted") {
        const std::string good =
            "Self\xE2\x80\x91"
            "compassion \xF0\x9F\x98\x80 caf\xC3\xA9";
        std::size_t repaired = 99;
        CHECK(text::repair_utf8(good, &repaired) == good);
        CHECK(repaired == 0);
    }
    SECTION("a Latin-1 byte becomes one replacement character between intact neighbours") {
        std::size_t repaired = 0;
        const std::string out = text::repair_utf8("caf\xE9 au lait", &repaired);
        CHECK(out == "caf" + kReplacement + " au lait");
        CHECK(repaired == 1);
    }
    SECTION("overlong encodings and surrogates are replaced and the result is valid") {
        for (const std::string bad : {"\xC0\xAF", "\xE0\x80\xAF", "\xF0\x80\x80\xAF",
                                      "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF"}) {
            INFO("input bytes: " << bad.size());
            std::size_t repaired = 0;
            const std::string out = text::repair_utf8("<" + bad + ">", &repaired);
            CHECK(text::is_valid_utf8(out));
            CHECK(repaired >= 1);
            CHECK(count_of(out, kReplacement) == repaired);
            CHECK(out.front() == '<');
            CHECK(out.back() == '>');
            CHECK(out.find(bad) == std::string::npos);
        }
    }
    SECTION("a sequence truncated at the end of the text is replaced, keeping the text before it") {
        std::size_t repaired = 0;
        const std::string out = text::repair_utf8("fin\xE2\x80", &repaired);
        CHECK(text::is_valid_utf8(out));
        CHECK(text::starts_with(out, "fin"));
        CHECK(repaired >= 1);
        CHECK(count_of(out, kReplacement) == repaired);
    }
    SECTION("a sequence truncated mid-text does not swallow the ASCII byte after it") {
        const std::string out = text::repair_utf8("a\xE2\x80z");
        CHECK(text::is_valid_utf8(out));
        CHECK(text::starts_with(out, "a" + kReplacement));
        CHECK(out.back() == 'z');
    }
    SECTION("the replacement count may be left out") {
        CHECK(text::repair_utf8("\xFF") == kReplacement);
    }
}

TEST_CASE("trimming strips ASCII whitespace and no-break spaces from both ends only", "[common]") {
    SECTION("ASCII whitespace of every kind is stripped") {
        CHECK(text::trim(" \t\r\n\f\vword \t\r\n\f\v") == "word");
    }
    SECTION("no-break spaces at either end are stripped, mixed with ASCII spaces") {
        CHECK(text::trim(kNbsp + " " + kNbsp + "a b" + kNbsp + " " + kNbsp) == "a b");
    }
    SECTION("spaces inside the text are kept as written") {
        CHECK(text::trim("  two  words" + kNbsp + "here ") == "two  words" + kNbsp + "here");
    }
    SECTION("text that is only whitespace trims to empty") {
        CHECK(text::trim(kNbsp + " \t" + kNbsp).empty());
        CHECK(text::trim("").empty());
    }
    SECTION("a multi-byte character at the end is not mistaken for a no-break space") {
        CHECK(text::trim("caf\xC3\xA9  ") == "caf\xC3\xA9");
        CHECK(text::trim("\xC3\xA0") == "\xC3\xA0");  // à ends in 0xA0 like NBSP does
    }
}

TEST_CASE("collapsing spaces leaves one ASCII space between words", "[common]") {
    SECTION("runs of mixed whitespace and no-break spaces become one space") {
        CHECK(text::collapse_spaces("  Compassion \t\n" + kNbsp + kNbsp + " Fatigue  ") ==
              "Compassion Fatigue");
    }
    SECTION("a lone no-break space between words becomes an ASCII space") {
        CHECK(text::collapse_spaces("Thich" + kNbsp + "Nhat" + kNbsp + "Hanh") ==
              "Thich Nhat Hanh");
    }
    SECTION("text without extra whitespace is unchanged, including multi-byte characters") {
        CHECK(text::collapse_spaces("d\xC3\xA9j\xC3\xA0 vu") == "d\xC3\xA9j\xC3\xA0 vu");
    }
    SECTION("whitespace-only text collapses to empty") {
        CHECK(text::collapse_spaces(" \t" + kNbsp + "\n").empty());
    }
}

TEST_CASE("character references are decoded and stray ampersands are kept", "[common]") {
    SECTION("the named entities are decoded") {
        CHECK(text::decode_entities("&amp;&lt;&gt;&quot;&apos;") == "&<>\"'");
        CHECK(text::decode_entities("a&nbsp;b") == "a" + kNbsp + "b");
    }
    SECTION("decimal references are decoded to UTF-8 of every length") {
        CHECK(text::decode_entities("&#65;") == "A");
        CHECK(text::decode_entities("caf&#233;") == "caf\xC3\xA9");
        CHECK(text::decode_entities("&#8217;") == "\xE2\x80\x99");
        CHECK(text::decode_entities("&#128512;") == "\xF0\x9F\x98\x80");
    }
    SECTION("hexadecimal references are decoded with either case of x and of digits") {
        CHECK(text::decode_entities("&#xE9;") == "\xC3\xA9");
        CHECK(text::decode_entities("&#Xe9;") == "\xC3\xA9");
        CHECK(text::decode_entities("&#x2019;") == "\xE2\x80\x99");
        CHECK(text::decode_entities("&#x1F600;") == "\xF0\x9F\x98\x80");
    }
    SECTION("raw ampersands in review text are kept as written") {
        CHECK(text::decode_entities("Tom & Jerry") == "Tom & Jerry");
        CHECK(text::decode_entities("AT&T") == "AT&T");
        CHECK(text::decode_entities("R&D; then more") == "R&D; then more");
        CHECK(text::decode_entities("trailing &") == "trailing &");
        CHECK(text::decode_entities("&amp without semicolon") == "&amp without semicolon");
        CHECK(text::decode_entities("&&amp;") == "&&");
    }
    SECTION("unknown names and impossible code points are kept as written") {
        CHECK(text::decode_entities("&hellip;") == "&hellip;");
        CHECK(text::decode_entities("&#;") == "&#;");
        CHECK(text::decode_entities("&#x;") == "&#x;");
        CHECK(text::decode_entities("&#0;") == "&#0;");
        CHECK(text::decode_entities("&#xD800;") == "&#xD800;");
        CHECK(text::decode_entities("&#x110000;") == "&#x110000;");
        CHECK(text::decode_entities("&#99999999999;") == "&#99999999999;");
        CHECK(text::decode_entities("&#12a;") == "&#12a;");
    }
    SECTION("decoding happens once, so an escaped entity stays an entity") {
        CHECK(text::decode_entities("&amp;lt;") == "&lt;");
    }
}

TEST_CASE("escaping for HTML covers the four special characters and round-trips", "[common]") {
    SECTION("ampersand, angle brackets and double quotes are escaped") {
        CHECK(text::escape_html("<b class=\"x\">Tom & Jerry</b>") ==
              "&lt;b class=&quot;x&quot;&gt;Tom &amp; Jerry&lt;/b&gt;");
    }
    SECTION("other text, including apostrophes and UTF-8, is unchanged") {
        CHECK(text::escape_html("it's caf\xC3\xA9") == "it's caf\xC3\xA9");
    }
    SECTION("decoding escaped text gives the original back") {
        const std::string original = "a < b && \"c\" > d; &amp; is literal";
        CHECK(text::decode_entities(text::escape_html(original)) == original);
    }
}

TEST_CASE("truncating UTF-8 never splits a character", "[common]") {
    SECTION("text that fits is returned whole") {
        CHECK(text::truncate_utf8("short", 5) == "short");
        CHECK(text::truncate_utf8("short", 100) == "short");
        CHECK(text::truncate_utf8("", 0).empty());
    }
    SECTION("a cut inside a multi-byte character backs off to the character's start") {
        CHECK(text::truncate_utf8("a\xC3\xA9", 2) == "a");
        CHECK(text::truncate_utf8("\xF0\x9F\x98\x80", 3).empty());
        CHECK(text::truncate_utf8("\xF0\x9F\x98\x80", 1).empty());
        CHECK(text::truncate_utf8("ab\xE2\x80\x99"
                                  "c",
                                  4) == "ab");
        CHECK(text::truncate_utf8("ab\xE2\x80\x99"
                                  "c",
                                  5) == "ab\xE2\x80\x99");
    }
    SECTION("every cut of mixed text is a valid prefix at most three bytes short") {
        const std::string mixed =
            "x\xC3\xA9y\xE2\x80\x99z\xF0\x9F\x98\x80w" + kNbsp + "\xE4\xB8\xAD\xE6\x96\x87.";
        REQUIRE(text::is_valid_utf8(mixed));
        for (std::size_t max = 0; max <= mixed.size() + 1; ++max) {
            INFO("max_bytes = " << max);
            const std::string cut = text::truncate_utf8(mixed, max);
            CHECK(cut.size() <= max);
            CHECK(cut.size() + 3 >= std::min(max, mixed.size()));
            CHECK(text::is_valid_utf8(cut));
            CHECK(text::starts_with(mixed, cut));
        }
    }
}

TEST_CASE("the small string helpers split, lower-case and compare prefixes", "[common]") {
    SECTION("split keeps empty fields, including leading and trailing ones") {
        CHECK(text::split("a,,b,", ',') == std::vector<std::string>{"a", "", "b", ""});
        CHECK(text::split(",x", ',') == std::vector<std::string>{"", "x"});
        CHECK(text::split("", ',') == std::vector<std::string>{""});
    }
    SECTION("ascii_lower lowers ASCII letters and leaves other bytes alone") {
        CHECK(text::ascii_lower("MiXeD 123 \xC3\x89") == "mixed 123 \xC3\x89");
    }
    SECTION("starts_with compares bytes") {
        CHECK(text::starts_with("traumatized", "traumati"));
        CHECK_FALSE(text::starts_with("trauma", "traumati"));
        CHECK(text::starts_with("anything", ""));
    }
}

TEST_CASE("join_paragraphs joins hard-wrapped lines and keeps blank-line paragraph breaks",
          "[common]") {
    using revsearch::text::join_paragraphs;
    CHECK(join_paragraphs("one line\nwrapped  here\n\n\nsecond\tparagraph\n") ==
          "one line wrapped here\n\nsecond paragraph");
    CHECK(join_paragraphs("\n \n") == "");
    CHECK(join_paragraphs("single") == "single");
}
