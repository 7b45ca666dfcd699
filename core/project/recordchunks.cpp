// Format 3's chunks of records (see recordchunks.h for the encoding) and the two lanes that encode and decode them.
#include "recordchunks.h"
#include "records/uuidtext.h"

#include <QCoreApplication>

#include <algorithm>
#include <cstring>

namespace tt {
namespace {

QString tr(const char *text) { return QCoreApplication::translate("tt::Project", text); }

[[noreturn]] void damaged(const char *why) { throw ChunkDamaged{tr(why)}; }

char *putVarint(char *p, quint64 v)
{
    while (v >= 0x80) {
        *p++ = char(v | 0x80);
        v >>= 7;
    }
    *p++ = char(v);
    return p;
}

int varintSize(quint64 v)
{
    int n = 1;
    for (; v >= 0x80; v >>= 7)
        ++n;
    return n;
}

// Differences wrap (two's complement), so every pair of 64-bit values has one.
quint64 zigzagDelta(qint64 value, qint64 previous)
{
    const qint64 d = qint64(quint64(value) - quint64(previous));
    return (quint64(d) << 1) ^ quint64(d >> 63);
}

qint64 undoZigzagDelta(quint64 u, qint64 previous)
{
    const quint64 d = (u >> 1) ^ (~(u & 1) + 1);
    return qint64(quint64(previous) + d);
}

// Reads a chunk, every step bounds-checked.
struct ChunkReader
{
    const unsigned char *p, *end;

    quint64 varint()
    {
        quint64 v = 0;
        for (int shift = 0;; shift += 7) {
            if (p == end)
                damaged("a chunk of records ends early");
            const unsigned char b = *p++;
            if (shift == 63 && b > 1)
                damaged("a number in a chunk of records is too large");
            v |= quint64(b & 0x7f) << shift;
            if (!(b & 0x80))
                return v;
        }
    }
    const unsigned char *bytes(quint64 n)
    {
        if (n > quint64(end - p))
            damaged("a chunk of records ends early");
        const unsigned char *at = p;
        p += n;
        return at;
    }
    QString text()
    {
        const quint64 n = varint();
        const unsigned char *at = bytes(n);
        return n ? QString::fromUtf8(reinterpret_cast<const char *>(at), qsizetype(n)) : QString();
    }
    const QString &shared(const std::vector<QString> &strings)
    {
        const quint64 id = varint();
        if (id >= strings.size())
            damaged("a record refers to text the file does not hold");
        return strings[size_t(id)];
    }
};

} // namespace

QString unpackUuid(const unsigned char *b)
{
    static const char16_t digits[] = u"0123456789abcdef";
    QString s(36, Qt::Uninitialized);
    char16_t *out = reinterpret_cast<char16_t *>(s.data());
    int pos = 0;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[pos++] = u'-';
        out[pos++] = digits[b[i] >> 4];
        out[pos++] = digits[b[i] & 0xf];
    }
    return s;
}

// ---- encoding ----

quint64 SharedStrings::id(const QString &v)
{
    std::lock_guard lock(m_mutex);
    if (const auto it = m_ids.constFind(v); it != m_ids.constEnd())
        return *it;
    m_texts.push_back(v.toStdString());
    const quint64 n = m_texts.size();
    m_ids.insert(v, n);
    return n;
}

// By the string's buffer first (a direct-mapped cache of buffer addresses, this thread's), then by value.
quint64 ChunkEncoder::id(const QString &v)
{
    if (v.isEmpty())
        return 0;
    const void *buffer = v.constData();
    Slot &slot = m_byBuffer[((quintptr(buffer) ^ quintptr(v.size())) * 0x9E3779B97F4A7C15ull) >> 50];
    if (slot.buffer == buffer && slot.size == v.size())
        return slot.id;
    slot = Slot{buffer, v.size(), m_strings.id(v)};
    return slot.id;
}

// A byte count, then the UTF-8; `at` has room for the count of requiredSpace(size) and that many bytes.
char *ChunkEncoder::text(char *at, const QString &v)
{
    const qsizetype n = v.size();
    if (n < 128) { // most: ASCII, one byte of count
        const char16_t *s = reinterpret_cast<const char16_t *>(v.constData());
        char16_t all = 0;
        for (qsizetype i = 0; i < n; ++i)
            all |= s[i];
        if (all < 0x80) {
            *at++ = char(n);
            for (qsizetype i = 0; i < n; ++i)
                at[i] = char(s[i]);
            return at + n;
        }
    }
    const int room = varintSize(quint64(m_utf8.requiredSpace(v.size())));
    char *begin = at + room;
    const char *end = m_utf8.appendToBuffer(begin, v);
    const quint64 bytes = quint64(end - begin);
    const int need = varintSize(bytes);
    if (need < room)
        std::memmove(at + need, begin, bytes);
    putVarint(at, bytes);
    return at + need + bytes;
}

char *ChunkBuffer::reserve(size_t used, size_t want)
{
    if (m_capacity < want) {
        std::unique_ptr<char[]> grown(new char[want]);
        if (used)
            std::memcpy(grown.get(), m_data.get(), used);
        m_data = std::move(grown);
        m_capacity = want;
    }
    return m_data.get();
}

void ChunkEncoder::encode(const IncidentRecord *records, size_t n, ChunkBuffer &out)
{
    size_t used = 0;
    char *base = out.reserve(0, n * 128);
    qint64 previousTs = 0, previousRow = 0;
    for (size_t i = 0; i < n; ++i) {
        if (i + 8 < n) { // the text a few records on lives elsewhere on the heap: on its way while this one is done
            const IncidentRecord &ahead = records[i + 8];
            __builtin_prefetch(ahead.uuid.constData());
            __builtin_prefetch(ahead.studentId.constData());
            __builtin_prefetch(ahead.note.constData());
        }
        const IncidentRecord &r = records[i];
        const size_t need = 160 + 3 * size_t(10 + m_utf8.requiredSpace(r.uuid.size() + r.studentId.size() + r.note.size()));
        if (out.m_capacity - used < need)
            base = out.reserve(used, std::max(out.m_capacity * 2, used + need));
        char *const start = base + used;
        char *p = start + 1;
        unsigned char uuid[16];
        const bool packed = canonicalUuidBytes(r.uuid, uuid);
        *start = char((packed ? 1 : 0) | (r.type == RecordType::Commendation ? 2 : 0));
        if (packed) {
            std::memcpy(p, uuid, 16);
            p += 16;
        } else {
            p = text(p, r.uuid);
        }
        p = putVarint(p, zigzagDelta(r.timestampMs, previousTs));
        previousTs = r.timestampMs;
        p = text(p, r.studentId);
        for (const QString *f : {&r.studentName, &r.level, &r.category, &r.location, &r.actionTaken, &r.teacherEmail,
                                 &r.classCode, &r.device})
            p = putVarint(p, id(*f));
        p = text(p, r.note);
        p = putVarint(p, quint64(qint64(r.sourceIndex)));
        p = putVarint(p, zigzagDelta(r.sourceRow, previousRow));
        previousRow = r.sourceRow;
        p = putVarint(p, r.flags);
        used += size_t(p - start);
    }
    out.m_size = used;
}

// ---- decoding ----

void decodeChunk(const char *data, size_t size, IncidentRecord *out, size_t count, const std::vector<QString> &strings,
                 size_t sourceCount)
{
    ChunkReader in{reinterpret_cast<const unsigned char *>(data), reinterpret_cast<const unsigned char *>(data) + size};
    qint64 previousTs = 0, previousRow = 0;
    for (size_t i = 0; i < count; ++i) {
        IncidentRecord &r = out[i];
        const unsigned char tag = *in.bytes(1);
        if (tag & ~3u)
            damaged("a record in a chunk is of an unknown kind");
        r.uuid = (tag & 1) ? unpackUuid(in.bytes(16)) : in.text();
        r.type = (tag & 2) ? RecordType::Commendation : RecordType::Incident;
        r.timestampMs = previousTs = undoZigzagDelta(in.varint(), previousTs);
        r.studentId = in.text();
        for (QString *f : {&r.studentName, &r.level, &r.category, &r.location, &r.actionTaken, &r.teacherEmail,
                           &r.classCode, &r.device})
            *f = in.shared(strings);
        r.note = in.text();
        const quint64 source = in.varint();
        if (source >= sourceCount)
            damaged("a record refers to a source it does not list");
        r.sourceIndex = int(source);
        r.sourceRow = previousRow = undoZigzagDelta(in.varint(), previousRow);
        const quint64 flags = in.varint();
        if (flags > 0xffff)
            damaged("a record's flags are out of range");
        r.flags = quint16(flags);
    }
    if (in.p != in.end)
        damaged("a chunk of records holds more than its count");
}

// ---- two lanes ----

TwoLanes::TwoLanes(size_t count, size_t window, Work work)
    : m_count(count), m_window(std::max<size_t>(window, 1)), m_work(std::move(work)), m_done(count, 0)
{
    if (count > 1) // one index: not worth a thread
        m_thread = std::thread([this] { helper(); });
}

TwoLanes::~TwoLanes()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

bool TwoLanes::claimable() const
{
    return !m_stop && m_next < m_count && m_next < m_available && m_next - m_released < m_window;
}

void TwoLanes::runNext(std::unique_lock<std::mutex> &lock, int lane)
{
    const size_t index = m_next++;
    lock.unlock();
    std::exception_ptr error;
    try {
        m_work(index, lane);
    } catch (...) {
        error = std::current_exception();
    }
    lock.lock();
    if (error) {
        if (!m_error)
            m_error = error;
        m_stop = true;
    }
    m_done[index] = 1;
    m_changed.notify_all();
}

void TwoLanes::helper()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_changed.wait(lock, [this] { return m_stop || m_next >= m_count || claimable(); });
        if (!claimable())
            return;
        runNext(lock, 1);
    }
}

void TwoLanes::makeAvailable(size_t upTo)
{
    {
        std::lock_guard lock(m_mutex);
        m_available = std::min(upTo, m_count);
    }
    m_changed.notify_all();
}

void TwoLanes::waitFor(size_t index)
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_error)
            std::rethrow_exception(m_error);
        if (m_done[index])
            return;
        if (claimable())
            runNext(lock, 0);
        else
            m_changed.wait(lock);
    }
}

void TwoLanes::release(size_t index)
{
    {
        std::lock_guard lock(m_mutex);
        m_released = std::max(m_released, index + 1);
    }
    m_changed.notify_all();
}

} // namespace tt
