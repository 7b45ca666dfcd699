#include "deduplicator.h"
#include "uuidtext.h"

#include <QtEndian>

#include <algorithm>
#include <bit>
#include <future>

namespace tt {

namespace {

// A canonical uuid ("8-4-4-4-12" lower-case hex, as the validator stores them) as 128 bits; false otherwise.
bool uuidBits(const QString &text, quint64 *hi, quint64 *lo)
{
    unsigned char b[16];
    if (!canonicalUuidBytes(text, b))
        return false;
    *hi = qFromBigEndian<quint64>(b);
    *lo = qFromBigEndian<quint64>(b + 8);
    return true;
}

// A canonical uuid's key: hi ^ lo of its 128 bits (8 bytes instead of 16 to sort and move: two uuids with the same
// fingerprint are told apart by their text afterwards), and its record.
struct Keyed
{
    quint64 fp;
    quint32 index;
    bool operator<(const Keyed &o) const { return fp != o.fp ? fp < o.fp : index < o.index; }
};

// Sorts keys by fingerprint, index: one counting pass on the top bits of the fingerprint (random in any real
// uuid, v4 or v5) puts them in buckets of a few keys each, which are then sorted on their own. Keys that share
// their top bits (made-up uuids) only make a bucket larger: it is sorted like any other.
void sortKeys(std::vector<Keyed> &keys)
{
    const size_t n = keys.size();
    if (n < 4096) {
        std::sort(keys.begin(), keys.end());
        return;
    }
    const int bits = std::clamp(int(std::bit_width(n)) - 2, 10, 18); // about 4 to 8 keys a bucket
    const int shift = 64 - bits;
    std::vector<quint32> start((size_t(1) << bits) + 1, 0);
    for (const Keyed &k : keys)
        ++start[size_t(k.fp >> shift) + 1];
    for (size_t b = 1; b < start.size(); ++b)
        start[b] += start[b - 1];
    std::vector<Keyed> out(n);
    std::vector<quint32> fill(start.begin(), start.end() - 1);
    for (const Keyed &k : keys)
        out[fill[size_t(k.fp >> shift)]++] = k;
    for (size_t b = 0; b + 1 < start.size(); ++b) {
        Keyed *first = out.data() + start[b], *last = out.data() + start[b + 1];
        if (last - first <= 16) { // insertion sort
            for (Keyed *i = first + 1; i < last; ++i) {
                const Keyed k = *i;
                Keyed *j = i;
                for (; j > first && k < j[-1]; --j)
                    *j = j[-1];
                *j = k;
            }
        } else {
            std::sort(first, last);
        }
    }
    keys.swap(out);
}

// Links each run of keys with one fingerprint as a group in index order; a run whose uuids differ (different
// uuids with the same fingerprint: made up, or a one in 2^64 chance) is told apart by text first.
void linkRuns(const std::vector<Keyed> &keyed, const std::vector<IncidentRecord> &records, std::vector<quint32> &next,
              std::vector<quint32> &heads)
{
    auto link = [&](const quint32 *first, const quint32 *last) { // ascending indices of one uuid
        if (last - first < 2)
            return;
        heads.push_back(*first);
        for (const quint32 *m = first + 1; m < last; ++m)
            next[m[-1]] = *m;
    };
    std::vector<quint32> run;
    for (size_t a = 0; a < keyed.size();) {
        size_t b = a + 1;
        while (b < keyed.size() && keyed[b].fp == keyed[a].fp)
            ++b;
        if (b - a > 1) {
            run.clear();
            bool same = true;
            const QString &uuid = records[keyed[a].index].uuid;
            for (size_t k = a; k < b; ++k) {
                run.push_back(keyed[k].index);
                same = same && records[keyed[k].index].uuid == uuid;
            }
            if (!same) // by text, each text's indices still ascending
                std::stable_sort(run.begin(), run.end(),
                                 [&records](quint32 x, quint32 y) { return records[x].uuid < records[y].uuid; });
            for (size_t i = 0; i < run.size();) {
                size_t j = i + 1;
                while (j < run.size() && (same || records[run[j]].uuid == records[run[i]].uuid))
                    ++j;
                link(run.data() + i, run.data() + j);
                i = j;
            }
        }
        a = b;
    }
}

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
    // Records with the same uuid, linked in index order: canonical uuids (all of them, in practice) as 64-bit
    // fingerprints of their 128 bits sorted once, which is several times faster than hashing a million strings;
    // any other text by hash.
    std::vector<quint32> next(n, none);
    std::vector<quint32> heads;
    {
        // The keys on two threads (reading a million uuids is mostly waiting for memory), then compacted in index
        // order, the other texts linked by hash on the way.
        std::vector<Keyed> keyed(n);
        std::vector<quint8> canonical(n);
        inTwo(n, [&](size_t from, size_t to) {
            for (size_t i = from; i < to; ++i) {
                // Each record and its uuid's text are a cache miss apart: ask for them a few records ahead.
                if (i + 16 < to)
                    __builtin_prefetch(&records[i + 16].uuid);
                if (i + 8 < to)
                    __builtin_prefetch(records[i + 8].uuid.constData());
                quint64 hi = 0, lo = 0;
                canonical[i] = uuidBits(records[i].uuid, &hi, &lo);
                keyed[i] = Keyed{hi ^ lo, quint32(i)};
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
        sortKeys(keyed);
        linkRuns(keyed, records, next, heads);
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
