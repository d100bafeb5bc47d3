#include "common/record_codec.hpp"

#include <algorithm>

#define ZDICT_STATIC_LINKING_ONLY  // ZDICT_optimizeTrainFromBuffer_fastCover: its thread count
#include <zdict.h>
#include <zstd.h>

#include "common/error.hpp"
#include "common/schema.hpp"

namespace revsearch {

struct RecordCodec::Contexts {
    ZSTD_CCtx* cctx = nullptr;
    ZSTD_DCtx* dctx = nullptr;
    ZSTD_CDict* cdict = nullptr;
    ZSTD_DDict* ddict = nullptr;
    ~Contexts() {
        ZSTD_freeCCtx(cctx);
        ZSTD_freeDCtx(dctx);
        ZSTD_freeCDict(cdict);
        ZSTD_freeDDict(ddict);
    }
};

RecordCodec::RecordCodec() : contexts_(std::make_unique<Contexts>()) {}

RecordCodec::RecordCodec(const std::string& dictionary, int level)
    : dictionary_(dictionary), contexts_(std::make_unique<Contexts>()) {
    if (dictionary_.empty()) return;
    if (ZDICT_getDictID(dictionary_.data(), dictionary_.size()) == 0) {
        throw Error("the stored-record dictionary is not a zstd dictionary");
    }
    contexts_->cdict = ZSTD_createCDict(dictionary_.data(), dictionary_.size(), level);
    contexts_->ddict = ZSTD_createDDict(dictionary_.data(), dictionary_.size());
    contexts_->cctx = ZSTD_createCCtx();
    contexts_->dctx = ZSTD_createDCtx();
    if (!contexts_->cdict || !contexts_->ddict || !contexts_->cctx || !contexts_->dctx) {
        throw Error("cannot set up zstd for stored records");
    }
}

RecordCodec::~RecordCodec() = default;
RecordCodec::RecordCodec(RecordCodec&&) noexcept = default;
RecordCodec& RecordCodec::operator=(RecordCodec&&) noexcept = default;

unsigned RecordCodec::id() const noexcept {
    return dictionary_.empty() ? 0 : ZDICT_getDictID(dictionary_.data(), dictionary_.size());
}

unsigned RecordCodec::frame_id(std::string_view stored) noexcept {
    if (stored.empty() || stored.front() == '{') return 0;
    return ZSTD_getDictID_fromFrame(stored.data(), stored.size());
}

void store_record(Xapian::Document& doc, std::string stored) {
    if (stored.empty() || stored.front() == '{') {
        doc.set_data(std::move(stored));
    } else {
        doc.add_value(schema::kRecordSlot, std::move(stored));
    }
}

std::string stored_record(const Xapian::Document& doc) {
    std::string data = doc.get_data();
    // Indexes built before records moved to the value slot keep their frames as the data.
    return data.empty() ? doc.get_value(schema::kRecordSlot) : data;
}

void RecordDecoder::add(const std::string& dictionary) {
    if (dictionary.empty()) return;
    RecordCodec codec(dictionary);
    for (const RecordCodec& known : codecs_) {
        if (known.id() == codec.id()) return;
    }
    codecs_.push_back(std::move(codec));
}

std::string RecordDecoder::decode(std::string_view stored) {
    const unsigned id = RecordCodec::frame_id(stored);
    if (id == 0) return std::string(stored);
    for (RecordCodec& codec : codecs_) {
        if (codec.id() == id) return codec.decode(stored);
    }
    throw Error("a stored record was compressed with a dictionary this index does not hold");
}

std::string RecordCodec::train(const std::vector<std::string>& samples, std::size_t max_bytes,
                               unsigned threads) {
    // zstd's trainer needs a fair number of samples, and fails (harmlessly) on too few.
    if (samples.size() < 64) return "";
    std::string joined;
    std::vector<std::size_t> sizes;
    for (const std::string& s : samples) {
        joined += s;
        sizes.push_back(s.size());
    }
    std::string dictionary(max_bytes, '\0');
    // The parameters ZDICT_trainFromBuffer() uses, with its search spread over the threads.
    ZDICT_fastCover_params_t params{};
    params.d = 8;
    params.steps = 4;
    params.nbThreads = std::max(1u, threads);
    params.zParams.compressionLevel = ZSTD_CLEVEL_DEFAULT;
    const std::size_t n = ZDICT_optimizeTrainFromBuffer_fastCover(
        dictionary.data(), dictionary.size(), joined.data(), sizes.data(),
        static_cast<unsigned>(sizes.size()), &params);
    if (ZDICT_isError(n)) return "";
    dictionary.resize(n);
    return dictionary;
}

std::string RecordCodec::encode(std::string_view record) {
    if (dictionary_.empty()) return std::string(record);
    std::string out(ZSTD_compressBound(record.size()), '\0');
    // Each frame carries a checksum of its record (4 bytes): glass blocks have none, so a
    // damaged record fails to decode rather than decoding to other text.
    ZSTD_CCtx_setParameter(contexts_->cctx, ZSTD_c_checksumFlag, 1);
    ZSTD_CCtx_refCDict(contexts_->cctx, contexts_->cdict);
    const std::size_t n =
        ZSTD_compress2(contexts_->cctx, out.data(), out.size(), record.data(), record.size());
    if (ZSTD_isError(n)) throw Error(std::string("zstd: ") + ZSTD_getErrorName(n));
    out.resize(n);
    return out;
}

std::string RecordCodec::decode(std::string_view stored) {
    if (stored.empty() || stored.front() == '{') return std::string(stored);
    const unsigned frame_dict = ZSTD_getDictID_fromFrame(stored.data(), stored.size());
    if (dictionary_.empty() || frame_dict != ZDICT_getDictID(dictionary_.data(), dictionary_.size())) {
        throw Error("a stored record was compressed with a dictionary this index does not hold");
    }
    const unsigned long long size = ZSTD_getFrameContentSize(stored.data(), stored.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ull << 31)) {
        throw Error("a stored record is damaged");
    }
    std::string out(static_cast<std::size_t>(size), '\0');
    const std::size_t n = ZSTD_decompress_usingDDict(contexts_->dctx, out.data(), out.size(),
                                                     stored.data(), stored.size(), contexts_->ddict);
    if (ZSTD_isError(n)) throw Error(std::string("a stored record is damaged: ") + ZSTD_getErrorName(n));
    out.resize(n);
    return out;
}

}  // namespace revsearch
