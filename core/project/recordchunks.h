#pragma once
// Format 3's records (internal to core/project): chunks of ChunkRecords records in a compact binary encoding, one
// blob per row of recordChunks(first, count, data). Chunks are independent once the strings table is known, so a
// full write encodes them on two threads and a load decodes them on two threads (TwoLanes).
//
// A record, fields in this order (varint: LEB128, at most 10 bytes; zigzag: signed as unsigned; text: a varint
// byte count, then UTF-8; id: a varint into the strings table, 0 the empty text):
//   tag byte        bit 0: the uuid follows as 16 bytes (canonical lower-case 8-4-4-4-12), else as text;
//                   bit 1: a commendation, else an incident; other bits 0
//   uuid            16 bytes or text
//   timestamp       zigzag of the difference to the chunk's previous record (the first: to 0), milliseconds
//   studentId       text
//   8 ids           studentName, level, category, location, actionTaken, teacherEmail, classCode, device
//   note            text
//   source          varint, an index into the sources
//   row             zigzag of the difference to the chunk's previous record's row (the first: to 0)
//   flags           varint, at most 0xffff
// A chunk holds exactly `count` records and nothing after them; anything else is a damaged file.
#include "records/incidentrecord.h"

#include <QHash>
#include <QString>
#include <QStringEncoder>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tt {

constexpr size_t ChunkRecords = 4096;
constexpr size_t MinRecordBytes = 16; // tag, empty uuid text, timestamp, student id, 8 ids, note, source, row, flags

// uuids: 16 bytes when canonical (canonicalUuidBytes, lower-case 8-4-4-4-12), else kept as text; back to text:
QString unpackUuid(const unsigned char *b);

// What decodeChunk found wrong (translated): the caller names the file.
struct ChunkDamaged
{
    QString why;
};

// The repetitive text of the records as ids into the strings table (1, 2, ...), shared by the encoders of one save
// (any thread); added() lists the texts in id order once they are done.
class SharedStrings
{
public:
    quint64 id(const QString &v);
    const std::vector<std::string> &added() const { return m_texts; } // id = index + 1
private:
    std::mutex m_mutex;
    QHash<QString, quint64> m_ids;
    std::vector<std::string> m_texts;
};

// A chunk's bytes as encoded: never zero-filled, reused from chunk to chunk (no page faults for each).
class ChunkBuffer
{
public:
    const char *data() const { return m_data.get(); }
    size_t size() const { return m_size; }

private:
    friend class ChunkEncoder;
    char *reserve(size_t used, size_t want); // room for `want` bytes, the first `used` kept
    std::unique_ptr<char[]> m_data;
    size_t m_capacity = 0, m_size = 0;
};

// Encodes chunks; one per thread (its cache of ids is not shared).
class ChunkEncoder
{
public:
    explicit ChunkEncoder(SharedStrings &strings) : m_strings(strings) {}
    // Replaces `out` with the chunk of records[0, n).
    void encode(const IncidentRecord *records, size_t n, ChunkBuffer &out);

private:
    quint64 id(const QString &v);
    char *text(char *at, const QString &v);
    struct Slot
    {
        const void *buffer = nullptr;
        qsizetype size = 0;
        quint64 id = 0;
    };
    SharedStrings &m_strings;
    std::vector<Slot> m_byBuffer = std::vector<Slot>(1 << 14); // the records share one buffer per distinct value
    QStringEncoder m_utf8{QStringEncoder::Utf8, QStringConverter::Flag::Stateless};
};

// Fills out[0, count) from a chunk; throws ChunkDamaged when it is not exactly `count` well-formed records.
void decodeChunk(const char *data, size_t size, IncidentRecord *out, size_t count, const std::vector<QString> &strings,
                 size_t sourceCount);

// Runs work(index, lane) for index 0, 1, ... on this thread (lane 0, inside waitFor) and one more (lane 1), in
// order of index; an index is only started once makeAvailable() passed it and while fewer than `window` indexes
// are started but not release()d. The first exception a work throws is rethrown by waitFor; the rest is skipped.
class TwoLanes
{
public:
    using Work = std::function<void(size_t index, int lane)>;
    TwoLanes(size_t count, size_t window, Work work);
    ~TwoLanes();
    TwoLanes(const TwoLanes &) = delete;
    TwoLanes &operator=(const TwoLanes &) = delete;

    void makeAvailable(size_t upTo);
    void waitFor(size_t index); // works on later indexes meanwhile
    void release(size_t index); // in order: the caller is done with index

private:
    bool claimable() const;
    void runNext(std::unique_lock<std::mutex> &lock, int lane);
    void helper();

    const size_t m_count, m_window;
    const Work m_work;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<char> m_done;
    size_t m_next = 0, m_available = 0, m_released = 0;
    bool m_stop = false;
    std::exception_ptr m_error;
    std::thread m_thread;
};

} // namespace tt
