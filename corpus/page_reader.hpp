#pragma once

#include <string_view>

#include "corpus/reader.hpp"

namespace revsearch::corpus {

/// Reads a review page saved as text: one review per file, in the layout of Psych Central's
/// book reviews (see ../shared/corpora/psychcentral-seed/PROVENANCE.md and README.md, "Input
/// formats"). The page is read by its landmarks, not by line numbers:
///   - the breadcrumb `Reviews Home » Category » Title` gives the category (its last segment
///     before the title) and marks where the page starts;
///   - the first line after it is the title;
///   - the body is every paragraph up to the first piece of site furniture: the book details
///     block (`Format, N pages` with its title and publisher lines), the recommendation, the
///     rating widget, buy/affiliate lines, a byline, the APA reference, or the update lines;
///   - the reviewer is a `By Name` line, or else the short byline that names the surname of
///     the APA reference (`Hill, T. (2016). ...`), or else a short line followed by a
///     biography that repeats it;
///   - the date is `Published on DATE`, else `Last updated: DATE`, else `Last reviewed: ... on
///     DATE`, else the APA year.
/// Book details, the recommendation, the reviewer's biography and the APA reference go to
/// `product` and `extra`. A user-rating widget with an average (`average: 4.5 out of 5`) gives
/// the rating and its scale.
class PageReader : public Reader {
public:
    void read(std::istream& in, const InputInfo& info, RecordSink& sink) override;

    /// Extracts the review from a whole page. Returns false and sets `reason` when it must be
    /// rejected.
    [[nodiscard]] static bool parse_page(std::string_view page, const InputInfo& info,
                                         Review& out, std::string& reason);

    /// True when `head` (the first KiB or so of a file) has a review page's breadcrumb.
    [[nodiscard]] static bool looks_like_page(std::string_view head);
};

}  // namespace revsearch::corpus
