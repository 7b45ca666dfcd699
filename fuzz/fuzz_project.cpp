// libFuzzer target: the project loader (core/project/project.cpp, Project::load) on arbitrary bytes.
// Invariants: only ProjectError escapes; a loaded project gives counts and duplicates without crashing; what
// it saves loads again with the same counts.
#include "fuzzcommon.h"

#include "common/errors.h"
#include "project/project.h"

#include <cstdint>

using namespace tt;

namespace {

bool sameCounts(const RowCounts &a, const RowCounts &b)
{
    return a.read == b.read && a.accepted == b.accepted && a.quarantined == b.quarantined
        && a.duplicatesIdentical == b.duplicatesIdentical && a.duplicatesConflicting == b.duplicatesConflicting;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QString path = ttfuzz::scratchPath(".ttproj");
    static const QString copy = ttfuzz::scratchPath("-saved.ttproj");
    ttfuzz::writeFile(path, QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)));
    try {
        const Project p = Project::load(path);
        const RowCounts counts = p.counts();
        for (size_t i = 0; i < p.sources().size(); ++i)
            (void)p.counts(int(i));
        (void)p.acceptedRecords();
        (void)p.fallbackDateOrder();
        (void)p.acceptedOfType(RecordType::Commendation);
        p.save(copy);
        const Project reloaded = Project::load(copy);
        TT_FUZZ_CHECK(sameCounts(counts, reloaded.counts()));
        TT_FUZZ_CHECK(reloaded.records().size() == p.records().size());
    } catch (const ProjectError &) {
    }
    return 0;
}
