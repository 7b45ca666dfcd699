// libFuzzer target: the project loader (core/project/projectfile.cpp and projectjson.cpp, Project::load) on
// arbitrary bytes written to a file: SQLite (format 3, its chunks of records decoded by recordchunks.cpp, and
// format 2) and JSON (format 1, converted on load) alike.
// Invariants: only ProjectError escapes; a loaded project gives counts and duplicates without crashing; a
// converted file loads again with the same counts; what it saves to another file loads again with the same
// counts, and so does a change saved in place.
#include "fuzzcommon.h"

#include "common/errors.h"
#include "project/project.h"

#include <QFile>
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
        Project p = Project::load(path);
        if (!p.convertedFrom().isEmpty()) { // format 1, now format 3 in its place
            QFile::remove(p.convertedFrom());
            TT_FUZZ_CHECK(sameCounts(p.counts(), Project::load(path).counts()));
        }
        const RowCounts counts = p.counts();
        for (size_t i = 0; i < p.sources().size(); ++i)
            (void)p.counts(int(i));
        (void)p.acceptedRecords();
        (void)p.fallbackDateOrder();
        (void)p.acceptedOfType(RecordType::Commendation);
        QFile::remove(copy);
        p.save(copy);
        Project reloaded = Project::load(copy);
        TT_FUZZ_CHECK(sameCounts(counts, reloaded.counts()));
        TT_FUZZ_CHECK(reloaded.records().size() == p.records().size());
        reloaded.section("fuzz")["saved"] = true; // in place this time
        reloaded.save(copy);
        TT_FUZZ_CHECK(sameCounts(counts, Project::load(copy).counts()));
    } catch (const ProjectError &) {
    }
    return 0;
}
