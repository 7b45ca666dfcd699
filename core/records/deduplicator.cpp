#include "deduplicator.h"

#include <algorithm>
#include <array>
#include <future>

namespace tt {

namespace {

// A canonical uuid ("8-4-4-4-12" lower-case hex, as the validator stores them) as 128 bits; false otherwise.
bool uuidBits(const QString &text, quint64 *hi, quint64 *lo)
{
    if (text.size() != 36)
        return false;
    static const auto hex = [] {
        std::array<quint8, 128> t;
        t.fill(0xFF);
        for (int c = '0'; c <= '9'; ++c)
            t[size_t(c)] = quint8(c - '0');
        for (int c = 'a'; c <= 'f'; ++c)
            t[size_t(c)] = quint8(c - 'a' + 10);
        return t;
    }();
    const char16_t *s = reinterpret_cast<const char16_t *>(text.constData());
    if (s[8] != u'-' || s[13] != u'-' || s[18] != u'-' || s[23] != u'-')
        return false;
    static constexpr quint8 digits[32] = {0,  1,  2,  3,  4,  5,  6,  7,  9,  10, 11, 12, 14, 15, 16, 17,
                                          19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35};
    quint64 v[2] = {0, 0};
    quint8 bad = 0;
    for (int i = 0; i < 32; ++i) {
        const char16_t c = s[digits[i]];
        const quint8 d = c < 128 ? hex[c] : quint8(0xFF);
        bad |= d;
        v[i / 16] = (v[i / 16] << 4) | (d & 0xF);
    }
    if (bad & 0xF0)
        return false;
    *hi = v[0];
    *lo = v[1];
    return true;
}

struct Keyed
{
    quint64 hi, lo;
    quint32 index;
    bool operator<(const Keyed &o) const
    {
        return hi != o.hi ? hi < o.hi : lo != o.lo ? lo < o.lo : index < o.index;
    }
};

constexpr size_t ParallelFrom = 65536; // below this, a second thread costs more than it saves

// f(from, to) over [0, n): two halves at once for large n.
template <class F>
void inTwo(size_t n, F &&f)
{
    if (n < ParallelFrom) {
        f(size_t(0), n);
        return;
    }
    auto first = std::async(std::launch::async, [&f, n] { f(size_t(0), n / 2); });
    f(n / 2, n);
    first.get();
}

} // namespace

DedupeResult deduplicate(const std::vector<IncidentRecord> &records, const QHash<QString, RecordKey> &choices)
{
    DedupeResult out;
    const size_t n = records.size();
    out.status.assign(n, RecordStatus::Accepted);
    constexpr quint32 none = 0xffffffffu;
    // Records with the same uuid, linked in index order: canonical uuids (all of them, in practice) as 128-bit
    // keys sorted once, which is several times faster than hashing a million strings; any other text by hash.
    std::vector<quint32> next(n, none);
    std::vector<quint32> heads;
    {
        // The keys on two threads (reading a million uuids is mostly waiting for memory), then compacted in index
        // order, the other texts linked by hash on the way.
        std::vector<Keyed> keyed(n);
        std::vector<quint8> canonical(n);
        inTwo(n, [&](size_t from, size_t to) {
            for (size_t i = from; i < to; ++i) {
                keyed[i].index = quint32(i);
                canonical[i] = uuidBits(records[i].uuid, &keyed[i].hi, &keyed[i].lo);
            }
        });
        QHash<QString, std::pair<quint32, quint32>> other; // uuid -> first and last index seen
        std::vector<quint32> otherHeads;
        size_t kept = 0;
        for (quint32 i = 0; i < n; ++i) {
            if (canonical[i]) {
                keyed[kept++] = keyed[i];
                continue;
            }
            auto it = other.find(records[i].uuid);
            if (it == other.end()) {
                other.insert(records[i].uuid, {i, i});
                continue;
            }
            auto &[head, tail] = it.value();
            if (head == tail)
                otherHeads.push_back(head); // the first repeat makes a group
            next[tail] = i;
            tail = i;
        }
        keyed.resize(kept);
        if (kept >= ParallelFrom) { // two halves sorted at once, then merged
            const auto mid = keyed.begin() + qsizetype(kept / 2);
            auto first = std::async(std::launch::async, [&keyed, mid] { std::sort(keyed.begin(), mid); });
            std::sort(mid, keyed.end());
            first.get();
            std::inplace_merge(keyed.begin(), mid, keyed.end());
        } else {
            std::sort(keyed.begin(), keyed.end());
        }
        for (size_t a = 0; a < keyed.size();) {
            size_t b = a + 1;
            while (b < keyed.size() && keyed[b].hi == keyed[a].hi && keyed[b].lo == keyed[a].lo) {
                next[keyed[b - 1].index] = keyed[b].index;
                ++b;
            }
            if (b - a > 1)
                heads.push_back(keyed[a].index);
            a = b;
        }
        heads.insert(heads.end(), otherHeads.begin(), otherHeads.end());
    }
    std::sort(heads.begin(), heads.end());
    auto sheetOrder = [&records](quint32 a, quint32 b) {
        const IncidentRecord &x = records[a], &y = records[b];
        if (x.sourceIndex != y.sourceIndex)
            return x.sourceIndex < y.sourceIndex;
        return x.sourceRow < y.sourceRow;
    };
    out.groups.reserve(heads.size());
    for (quint32 head : heads) {
        DuplicateGroup g;
        g.uuid = records[head].uuid;
        for (quint32 i = head; i != none; i = next[i])
            g.members.push_back(i);
        std::sort(g.members.begin(), g.members.end(), sheetOrder);
        g.chosen = g.members.back(); // the later row in the sheet
        auto c = choices.constFind(g.uuid);
        if (c != choices.constEnd()) {
            for (quint32 m : g.members) {
                if (records[m].sourceIndex == c->sourceIndex && records[m].sourceRow == c->row) {
                    g.chosen = m;
                    g.chosenByUser = true;
                }
            }
        }
        for (quint32 m : g.members) {
            if (m == g.chosen)
                continue;
            if (records[m].sameContent(records[g.chosen])) {
                out.status[m] = RecordStatus::DuplicateIdentical;
                ++out.identical;
            } else {
                out.status[m] = RecordStatus::DuplicateConflicting;
                ++out.conflicting;
                g.conflicting = true;
            }
        }
        out.groups.push_back(std::move(g));
    }
    out.accepted = qint64(n) - out.identical - out.conflicting;
    return out;
}

} // namespace tt
