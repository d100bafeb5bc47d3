#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

/// Deterministic randomness for the benchmark generators. The standard distributions
/// (std::uniform_int_distribution and friends) are implementation-defined, so a corpus or
/// query set made with them could change with the compiler. Everything here is specified
/// bit for bit, so the same seed gives the same corpus on every platform.
namespace revsearch::bench {

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014): one 64-bit state word, full period 2^64, good enough for sampling.
/// Not thread-safe; cheap to copy.
class Rng {
public:
    explicit Rng(std::uint64_t seed) noexcept : state_(seed) {}

    /// The next 64 random bits.
    [[nodiscard]] std::uint64_t next() noexcept {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    /// A number in [0, n). REQUIRES: n > 0. Draws are rejected above the largest multiple of n,
    /// so the result has no modulo bias.
    [[nodiscard]] std::uint64_t below(std::uint64_t n) noexcept {
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
        std::uint64_t x = next();
        while (x >= limit) x = next();
        return x % n;
    }

    /// A number in [lo, hi]. REQUIRES: lo <= hi.
    [[nodiscard]] std::int64_t between(std::int64_t lo, std::int64_t hi) noexcept {
        return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
    }

    /// A double in [0, 1) with 53 random bits.
    [[nodiscard]] double unit() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    /// True with probability `p`.
    [[nodiscard]] bool chance(double p) noexcept { return unit() < p; }

    /// Shuffles in place (Fisher-Yates, driven by below()).
    template <typename T>
    void shuffle(std::vector<T>& v) noexcept {
        for (std::size_t i = v.size(); i > 1; --i) {
            std::swap(v[i - 1], v[below(i)]);
        }
    }

private:
    std::uint64_t state_;
};

/// A stable 64-bit hash of `key` mixed with `seed` (FNV-1a, then a SplitMix64 finaliser).
/// Used to derive per-item randomness that does not depend on the order items are made in.
[[nodiscard]] inline std::uint64_t stable_hash(std::uint64_t seed, std::string_view key) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL ^ seed;
    for (const char c : key) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return Rng(h).next();
}

/// Samples ranks 0..n-1 with probability proportional to 1/(rank+1)^s, a Zipf law: a few
/// reviewers write many reviews and most write one or two, as on review sites. Holds an n-entry
/// table of cumulative weights (8n bytes). Thread-compatible (const after construction).
class ZipfSampler {
public:
    /// REQUIRES: n > 0, s >= 0.
    ZipfSampler(std::size_t n, double s) : cumulative_(n) {
        double sum = 0;
        for (std::size_t k = 0; k < n; ++k) {
            sum += 1.0 / std::pow(static_cast<double>(k + 1), s);
            cumulative_[k] = sum;
        }
    }

    /// A rank in [0, n).
    [[nodiscard]] std::size_t sample(Rng& rng) const noexcept {
        const double x = rng.unit() * cumulative_.back();
        const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), x);
        const auto k = static_cast<std::size_t>(it - cumulative_.begin());
        return std::min(k, cumulative_.size() - 1);
    }

private:
    std::vector<double> cumulative_;
};

}  // namespace revsearch::bench
