#pragma once

#include <string_view>

#include "corpus/reader.hpp"

namespace revsearch::corpus {

/// Reads a review page saved as text: one review per file, in the layout of Psych Central's
/// book reviews (see ../shared/corpora/psychcentral-seed/PROVENANCE.md and README.md, "Input
/// formats"; corpus/samples/pages has examples). The page is read by its landmarks, not by line
/// numbers, and LF or CRLF line endings read the same:
///   - the breadcrumb `Reviews Home » Category » Title` marks where the page starts and gives
///     the category: the segment before the title (`Reviews Home » Psychology » Anxiety »
///     Title` gives "Anxiety"), or the last segment when the breadcrumb stops short of the
///     title. A breadcrumb may shorten or respell the title;
///   - the first line after it is the title, unless it is site furniture: then the page has no
///     title;
///   - the body is every paragraph up to the first piece of site furniture: the book details
///     block (`Format, N pages` with its title and publisher lines, found by the pages line even
///     when the book's title repeats the page title), the recommendation, the rating widget,
///     buy/affiliate lines, a byline, the APA reference, or the update lines. The lines of one
///     paragraph are joined with a space; paragraphs are separated by "\n\n";
///   - the reviewer is a `By Name` line (under the title or further down), or else the short
///     byline that names the surname of the APA reference (`Hill, T. (2016). ...`), or else a
///     short line followed by a biography that repeats its surname. Credentials may end with a
///     dot ("Ph.D.");
///   - the date is `Published on DATE`, else a date under the title, else `Last updated: DATE`,
///     else `Last reviewed: ... on DATE`, else the APA year.
/// Book details, the recommendation, the reviewer's biography and the APA reference go to
/// `product` and `extra` (`publisher`, `publication_date`, `format`, `pages`, `recommendation`,
/// `reviewer_bio`, `apa_reference`, `last_updated`, `last_reviewed`, `breadcrumb`); a URL at the
/// end of the APA reference becomes `url`. A user-rating widget with an average (`(12 votes,
/// average: 4.25 out of 5)`) gives the rating, its scale and extra `rating_votes`.
class PageReader : public Reader {
public:
    /// Reads the whole stream as one page and passes one review, or one reject (with up to
    /// 1 KiB of the page), to `sink`. Throws CorpusError only when the stream cannot be read.
    void read(std::istream& in, const InputInfo& info, RecordSink& sink) override;

    /// Extracts the review from a whole page into `out` (overwritten), with the id derived from
    /// `info.relative` and the source `info.display`. Returns false and sets `reason` when it
    /// must be rejected: "invalid UTF-8", or "nothing to index (no title and no body)". Never
    /// throws on bad input. Thread-safe.
    [[nodiscard]] static bool parse_page(std::string_view page, const InputInfo& info,
                                         Review& out, std::string& reason);

    /// True when `head` (the first KiB or so of a file) has a review page's breadcrumb.
    [[nodiscard]] static bool looks_like_page(std::string_view head);
};

}  // namespace revsearch::corpus
