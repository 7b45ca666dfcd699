// libFuzzer target: the project loader (core/project/projectfile.cpp and projectjson.cpp, Project::load) on
// arbitrary bytes written to a file: SQLite (format 3, its chunks of records decoded by recordchunks.cpp, and
// format 2) and JSON (format 1, converted on load) alike.
// Inputs starting "chunk:" go to the chunk decoder alone (see fuzzChunk).
// Invariants: only ProjectError escapes; a loaded project gives counts and duplicates without crashing; a
// converted file loads again with the same counts; what it saves to another file loads again with the same
// counts, and so does a change saved in place.
#include "fuzzcommon.h"

#include "common/errors.h"
#include "project/project.h"
#include "project/recordchunks.h"

#include <QFile>
#include <cstdint>
#include <cstring>

using namespace tt;

namespace {

bool sameCounts(const RowCounts &a, const RowCounts &b)
{
    return a.read == b.read && a.accepted == b.accepted && a.quarantined == b.quarantined
        && a.duplicatesIdentical == b.duplicatesIdentical && a.duplicatesConflicting == b.duplicatesConflicting;
}

// Inputs that start with "chunk:" go straight to the decoder of format 3's chunks of records (the blobs of
// recordChunks; the byte after the prefix is the count, the strings table is {"", "a", "b"}, two sources): only
// ChunkDamaged escapes it, and what decodes encodes and decodes again to the same records.
bool fuzzChunk(const uint8_t *data, size_t size)
{
    if (size < 7 || std::memcmp(data, "chunk:", 6) != 0)
        return false;
    const size_t count = data[6];
    const std::vector<QString> strings{QString(), QStringLiteral("a"), QStringLiteral("b")};
    std::vector<IncidentRecord> records(count);
    try {
        decodeChunk(reinterpret_cast<const char *>(data + 7), size - 7, records.data(), count, strings, 2);
    } catch (const ChunkDamaged &) {
        return true;
    }
    SharedStrings shared;
    ChunkEncoder encoder(shared);
    ChunkBuffer blob;
    encoder.encode(records.data(), count, blob);
    std::vector<QString> again{QString()}; // the encoder numbers the texts it meets from 1
    for (const std::string &text : shared.added())
        again.push_back(QString::fromStdString(text));
    std::vector<IncidentRecord> back(count);
    decodeChunk(blob.data(), blob.size(), back.data(), count, again, 2);
    for (size_t i = 0; i < count; ++i)
        TT_FUZZ_CHECK(back[i].sameContent(records[i]) && back[i].uuid == records[i].uuid
                      && back[i].sourceIndex == records[i].sourceIndex && back[i].sourceRow == records[i].sourceRow
                      && back[i].flags == records[i].flags);
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzzChunk(data, size))
        return 0;
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
