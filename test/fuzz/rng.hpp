// Deterministic pseudo-random choices for the fuzzer.
//
// Every choice is derived from raw std::mt19937_64 output, whose sequence the C++ standard
// fixes, and never from std::*_distribution, whose algorithms differ between standard
// libraries: one seed replays the same workload on every platform.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace fuzz {

class Rng {
   public:
    explicit Rng(std::uint64_t seed) : engine_(seed) {}

    // Uniform integer in [lo, hi] (the modulo bias is irrelevant at these ranges).
    int Int(int lo, int hi)
    {
        const std::uint64_t span = static_cast<std::uint64_t>(hi - lo) + 1;
        return lo + static_cast<int>(engine_() % span);
    }

    // True with the given probability in percent.
    bool Percent(int percent) { return Int(0, 99) < percent; }

    template <class T>
    const T &Pick(const std::vector<T> &items)
    {
        return items[static_cast<std::size_t>(Int(0, static_cast<int>(items.size()) - 1))];
    }

    // Index of an entry of weights, chosen with probability proportional to its weight.
    std::size_t Weighted(const std::vector<int> &weights)
    {
        int total = 0;
        for (int w : weights) total += w;
        int roll = Int(0, total - 1);
        for (std::size_t i = 0; i < weights.size(); i++) {
            if (roll < weights[i]) return i;
            roll -= weights[i];
        }
        return weights.size() - 1;
    }

   private:
    std::mt19937_64 engine_;
};

}  // namespace fuzz
