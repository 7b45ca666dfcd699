#include "deduplicator.h"

#include <algorithm>

namespace tt {

namespace {

// A canonical uuid ("8-4-4-4-12" lower-case hex, as the validator stores them) as 128 bits; false otherwise.
bool uuidBits(const QString &text, quint64 *hi, quint64 *lo)
{
    if (text.size() != 36)
        return false;
    const char16_t *s = reinterpret_cast<const char16_t *>(text.constData());
    quint64 v[2] = {0, 0};
    int nibble = 0;
    for (int i = 0; i < 36; ++i) {
        const char16_t c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != u'-')
                return false;
            continue;
        }
        quint64 d;
        if (c >= u'0' && c <= u'9')
            d = c - u'0';
        else if (c >= u'a' && c <= u'f')
            d = c - u'a' + 10;
        else
            return false;
        v[nibble / 16] = (v[nibble / 16] << 4) | d;
        ++nibble;
    }
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
        std::vector<Keyed> keyed;
        keyed.reserve(n);
        QHash<QString, std::pair<quint32, quint32>> other; // uuid -> first and last index seen
        std::vector<quint32> otherHeads;
        for (quint32 i = 0; i < n; ++i) {
            Keyed k{0, 0, i};
            if (uuidBits(records[i].uuid, &k.hi, &k.lo)) {
                keyed.push_back(k);
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
        std::sort(keyed.begin(), keyed.end());
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
