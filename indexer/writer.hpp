#pragma once

#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

namespace revsearch::indexer {

/// Where built documents go. One interface over one database (here) or N shards (a later
/// writer), so the job above it does not change when the layout does. Not thread-safe.
class IndexWriter {
public:
    virtual ~IndexWriter() = default;

    /// Adds the document, or replaces the one with the same unique id term. Returns true when
    /// it replaced one. Throws IndexError.
    virtual bool put(const std::string& id_term, const Xapian::Document& doc) = 0;

    /// Removes the document with this id term. Returns false when there was none.
    virtual bool remove(const std::string& id_term) = 0;

    /// True when a document with this id term exists (committed or pending).
    [[nodiscard]] virtual bool contains(const std::string& id_term) = 0;

    virtual void set_metadata(const std::string& key, const std::string& value) = 0;
    [[nodiscard]] virtual std::string get_metadata(const std::string& key) = 0;

    /// Makes everything written so far durable and visible to readers. Throws IndexError.
    virtual void commit() = 0;

    [[nodiscard]] virtual Xapian::doccount doc_count() = 0;

    /// Adds `freq` occurrences of `word` to the spelling data ("did you mean").
    virtual void add_spelling(const std::string& word, Xapian::termcount freq) = 0;

    /// The ids (value slot kIdSlot) of the documents indexed by `term`.
    [[nodiscard]] virtual std::vector<std::string> ids_with_term(const std::string& term) = 0;
};

/// Opens (creating if needed) a single on-disk database at `path`. Throws IndexError when it
/// cannot be opened, for example because another writer holds its lock.
[[nodiscard]] std::unique_ptr<IndexWriter> open_database_writer(const std::string& path);

/// Wraps an already open database (tests use an in-memory one).
[[nodiscard]] std::unique_ptr<IndexWriter> wrap_database_writer(Xapian::WritableDatabase db,
                                                                std::string name);

}  // namespace revsearch::indexer
