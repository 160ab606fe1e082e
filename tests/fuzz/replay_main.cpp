// Corpus replay, built with the tests by any compiler (the libFuzzer binaries need clang): runs a fuzz
// target's LLVMFuzzerTestOneInput once on every file of the directories (or files)
// given, so the seeds and every crash input kept in tests/fuzz/corpus/ stay regression
// tests of the normal suite. A violated invariant or a sanitizer report aborts.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

void run_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    const std::vector<char> data(std::istreambuf_iterator<char>(in), {});
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
}

}  // namespace

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
    std::size_t runs = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg = argv[i];
        if (!std::filesystem::is_directory(arg)) {
            run_file(arg);
            ++runs;
            continue;
        }
        for (const auto& entry : std::filesystem::directory_iterator(arg)) {
            if (!entry.is_regular_file()) continue;
            run_file(entry.path());
            ++runs;
        }
    }
    std::printf("replayed %zu inputs\n", runs);
    return runs == 0 ? 1 : 0;  // an empty corpus is a broken test, not a pass
}
